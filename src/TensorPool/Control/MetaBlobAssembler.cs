using TensorPool.Sbe.Wire;

namespace TensorPool.Control;

/// <summary>
/// Reassembles the meta blob of one stream (wire spec §10.3.3, §15.9): chunks must arrive at increasing, non-overlapping
/// offsets covering [0, total_len) exactly; a gap, an overlap or a checksum mismatch discards the blob (no repair in
/// v1.2). The checksum, when not 0, is CRC-32C of the whole blob.
/// </summary>
internal sealed class MetaBlobAssembler(uint streamId, long maxBlobBytes)
{
    private byte[]? _bytes;
    private uint _metaVersion;
    private uint _blobType;
    private ulong _checksum;
    private long _received;

    public uint StreamId { get; } = streamId;

    /// <summary>Start a blob; returns the reason the previous one was dropped (Superseded) or this one refused (TooLarge).</summary>
    public MetaBlobDiscard? OnAnnounce(in MetaBlobAnnounceDecoder a)
    {
        MetaBlobDiscard? previous = _bytes is null ? null : MetaBlobDiscard.Superseded;
        _bytes = null;
        if (a.TotalLen > (ulong)maxBlobBytes)
        {
            return MetaBlobDiscard.TooLarge;
        }
        _bytes = new byte[(int)a.TotalLen];
        _metaVersion = a.MetaVersion;
        _blobType = a.BlobType;
        _checksum = a.Checksum;
        _received = 0;
        return previous;
    }

    /// <summary>One chunk; null when it was appended, else why the blob (or the orphan chunk) was discarded.</summary>
    public MetaBlobDiscard? OnChunk(in MetaBlobChunkDecoder c)
    {
        if (_bytes is null || c.MetaVersion != _metaVersion)
        {
            return MetaBlobDiscard.Orphan;
        }
        ReadOnlySpan<byte> data = c.Bytes;
        ulong offset = c.ChunkOffset;
        if (offset > (ulong)_received)
        {
            _bytes = null;
            return MetaBlobDiscard.Gap;
        }
        if (offset < (ulong)_received || data.IsEmpty || (ulong)data.Length > (ulong)_bytes.Length - offset)
        {
            _bytes = null; // an empty chunk does not advance: treated as overlapping the previous one
            return MetaBlobDiscard.Overlap;
        }
        data.CopyTo(_bytes.AsSpan((int)offset));
        _received += data.Length;
        return null;
    }

    /// <summary>Complete; the blob when it is whole and its checksum holds, else null with the reason.</summary>
    public MetaBlob? OnComplete(in MetaBlobCompleteDecoder d, out MetaBlobDiscard? discard)
    {
        byte[]? bytes = _bytes;
        _bytes = null;
        if (bytes is null || d.MetaVersion != _metaVersion)
        {
            discard = MetaBlobDiscard.Orphan;
            return null;
        }
        if (_received != bytes.Length)
        {
            discard = MetaBlobDiscard.Gap;
            return null;
        }
        if (d.Checksum != _checksum || (_checksum != 0 && Crc32C.Compute(bytes) != _checksum))
        {
            discard = MetaBlobDiscard.ChecksumMismatch;
            return null;
        }
        discard = null;
        return new MetaBlob(StreamId, _metaVersion, _blobType, bytes, _checksum != 0);
    }
}
