namespace TensorPool.Sbe;

/// <summary>
/// Why a decoder or the demultiplexer refused a buffer. Decoders never throw on bad bytes: they
/// return one of these so the caller can count and drop (docs/codecs.md).
/// </summary>
public enum SbeRejectReason
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>Fewer bytes than the message header, the block, a group header or a length prefix needs.</summary>
    Truncated,

    /// <summary>The message header names another schema.</summary>
    WrongSchemaId,

    /// <summary>The message header names another message of the schema.</summary>
    WrongTemplateId,

    /// <summary>The message header's version is newer than the decoder's schema (driver §4.4a, discovery §10).</summary>
    UnsupportedVersion,

    /// <summary>The header's blockLength is smaller than the fields the acting version defines.</summary>
    BlockLengthTooSmall,

    /// <summary>A group's blockLength is smaller than the fields of its entries.</summary>
    GroupBlockLengthTooSmall,

    /// <summary>A group's numInGroup entries do not fit in the buffer.</summary>
    GroupCountBeyondBuffer,

    /// <summary>A var-data length runs past the end of the buffer.</summary>
    VarLengthBeyondBuffer,

    /// <summary>A var-data length is over the schema's maxValue for it.</summary>
    VarLengthOverMax,

    /// <summary>No decoder is known for the header's schemaId (demultiplexer).</summary>
    UnknownSchema,

    /// <summary>No decoder is known for the header's templateId in its schema (demultiplexer).</summary>
    UnknownTemplate,
}
