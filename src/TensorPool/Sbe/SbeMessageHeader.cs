using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TensorPool.Sbe;

/// <summary>
/// The 8-byte SBE message header every control-plane message starts with: blockLength, templateId,
/// schemaId, version, each a little-endian uint16. The demultiplexer reads it to route a message by
/// schemaId, then templateId (DESIGN §3).
/// </summary>
public readonly struct SbeMessageHeader
{
    /// <summary>Encoded size of the header.</summary>
    public const int Size = 8;

    /// <summary>A header with the given fields.</summary>
    public SbeMessageHeader(ushort blockLength, ushort templateId, ushort schemaId, ushort version)
    {
        BlockLength = blockLength;
        TemplateId = templateId;
        SchemaId = schemaId;
        Version = version;
    }

    /// <summary>Bytes of the root block that follows the header.</summary>
    public ushort BlockLength { get; }

    /// <summary>The message's id within its schema.</summary>
    public ushort TemplateId { get; }

    /// <summary>The schema's id (900 wire, 901 driver, 903 MergeMap, 904 TraceLink, 910 discovery).</summary>
    public ushort SchemaId { get; }

    /// <summary>The schema version the message was encoded with.</summary>
    public ushort Version { get; }

    /// <summary>Reads the header at the start of <paramref name="buffer"/>; false when it holds fewer than 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ReadOnlySpan<byte> buffer, out SbeMessageHeader header)
    {
        if (buffer.Length < Size)
        {
            header = default;
            return false;
        }
        header = new SbeMessageHeader(
            BinaryPrimitives.ReadUInt16LittleEndian(buffer),
            BinaryPrimitives.ReadUInt16LittleEndian(buffer[2..]),
            BinaryPrimitives.ReadUInt16LittleEndian(buffer[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(buffer[6..]));
        return true;
    }

    /// <summary>Writes the header at the start of <paramref name="buffer"/> (at least 8 bytes).</summary>
    public void Write(Span<byte> buffer)
    {
        SbeCodec.EnsureCapacity(buffer.Length, Size);
        SbeCodec.WriteUInt64(buffer, 0, Pack(BlockLength, TemplateId, SchemaId, Version));
    }

    /// <summary>The header as one little-endian 64-bit word, so a codec writes or compares it in one step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pack(ushort blockLength, ushort templateId, ushort schemaId, ushort version) =>
        blockLength | ((ulong)templateId << 16) | ((ulong)schemaId << 32) | ((ulong)version << 48);

    /// <inheritdoc/>
    public override string ToString() =>
        $"schemaId={SchemaId} templateId={TemplateId} version={Version} blockLength={BlockLength}";
}
