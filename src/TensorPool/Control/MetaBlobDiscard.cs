namespace TensorPool.Control;

/// <summary>Why a meta blob (or one of its messages) was discarded (wire spec §10.3.3, §15.9).</summary>
public enum MetaBlobDiscard
{
    /// <summary>A chunk started past the end of the bytes received so far: bytes are missing.</summary>
    Gap,

    /// <summary>A chunk started before the end of the bytes received so far, or ran past total_len.</summary>
    Overlap,

    /// <summary>CRC-32C of the bytes differs from the checksum, or Complete's checksum differs from Announce's.</summary>
    ChecksumMismatch,

    /// <summary>A chunk or Complete without a matching MetaBlobAnnounce (stream and meta_version).</summary>
    Orphan,

    /// <summary>A new MetaBlobAnnounce arrived before the previous blob completed.</summary>
    Superseded,

    /// <summary>total_len over the receiver's limit.</summary>
    TooLarge,

    /// <summary>A blob message that did not decode.</summary>
    Malformed,
}
