using TensorPool.Sbe;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.Control;

/// <summary>
/// Sends a meta blob (wire spec §10.3.3, §15.9) as MetaBlobAnnounce, MetaBlobChunk at increasing, non-overlapping
/// offsets covering [0, total_len), then MetaBlobComplete. Chunks carry at most <see cref="ChunkMax"/> bytes (64 KiB), less
/// when the publication's largest message is smaller. Checksum: CRC-32C of the whole blob when enabled, else 0 (absent).
/// </summary>
internal sealed class MetaBlobSender
{
    /// <summary>§15.9's suggested CHUNK_MAX.</summary>
    public const int ChunkMax = 64 * 1024;

    private readonly IPublication _publication;
    private readonly byte[] _buffer;
    private readonly int _chunkBytes;

    public MetaBlobSender(IPublication publication)
    {
        _publication = publication;
        int overhead = MetaBlobChunkEncoder.MinEncodedLength;
        _chunkBytes = Math.Min(ChunkMax, publication.MaxMessageLength - overhead);
        if (_chunkBytes < 64)
        {
            throw new InvalidOperationException($"the metadata stream carries messages of at most {publication.MaxMessageLength} bytes: too small for meta blob chunks");
        }
        _buffer = new byte[overhead + _chunkBytes];
    }

    public int ChunkBytes => _chunkBytes;

    /// <summary>Send the blob; false when the transport refused a message (the receivers then discard it).</summary>
    public bool Send(uint streamId, uint metaVersion, uint blobType, ReadOnlySpan<byte> blob, bool checksum)
    {
        ulong sum = checksum ? Crc32C.Compute(blob) : 0;
        var a = MetaBlobAnnounceEncoder.WrapAndApplyHeader(_buffer);
        a.StreamId = streamId;
        a.MetaVersion = metaVersion;
        a.BlobType = blobType;
        a.TotalLen = (ulong)blob.Length;
        a.Checksum = sum;
        bool ok = _publication.Offer(_buffer.AsSpan(0, a.EncodedLength)) >= 0;
        for (int offset = 0; ok && offset < blob.Length; offset += _chunkBytes)
        {
            ReadOnlySpan<byte> part = blob.Slice(offset, Math.Min(_chunkBytes, blob.Length - offset));
            var c = MetaBlobChunkEncoder.WrapAndApplyHeader(_buffer);
            c.StreamId = streamId;
            c.MetaVersion = metaVersion;
            c.ChunkOffset = (ulong)offset;
            c.PutBytes(part);
            ok = _publication.Offer(_buffer.AsSpan(0, c.EncodedLength)) >= 0;
        }
        var done = MetaBlobCompleteEncoder.WrapAndApplyHeader(_buffer);
        done.StreamId = streamId;
        done.MetaVersion = metaVersion;
        done.Checksum = sum;
        return ok && _publication.Offer(_buffer.AsSpan(0, done.EncodedLength)) >= 0;
    }

    /// <summary>Encode a DataSourceMeta (§10.3.2) into a new array.</summary>
    public static byte[] EncodeMeta(uint streamId, uint metaVersion, ulong timestampNs, IReadOnlyList<MetaAttribute> attributes)
    {
        int length = DataSourceMetaEncoder.MinEncodedLength + DataSourceMetaEncoder.AttributesEncoder.BlockLength;
        foreach (MetaAttribute m in attributes)
        {
            length += 12 + m.Key.Length + m.Format.Length + m.Value.Length + DataSourceMetaEncoder.AttributesEncoder.BlockLength;
        }
        byte[] buffer = new byte[length];
        var e = DataSourceMetaEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = streamId;
        e.MetaVersion = metaVersion;
        e.TimestampNs = timestampNs;
        var group = e.AttributesCount(attributes.Count);
        foreach (MetaAttribute m in attributes)
        {
            group.Next();
            group.PutKey(m.Key.AsSpan());
            group.PutFormat(m.Format.AsSpan());
            group.PutValue(m.Value);
        }
        return buffer.AsSpan(0, e.EncodedLength).ToArray();
    }
}
