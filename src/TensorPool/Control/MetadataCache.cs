using System.Collections.Concurrent;
using System.Text;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.Control;

/// <summary>
/// What producers say about their data sources (wire spec §10.3): the last DataSourceAnnounce per stream, DataSourceMeta
/// by (stream, meta_version) — the version frames reference (SlotHeader/FrameDescriptor meta_version) — and meta blobs
/// reassembled by <see cref="MetaBlobAssembler"/>. A client feeds its own from the metadata stream
/// (<c>TensorPoolClient.Metadata</c>); tools can feed one with raw messages. Fed from one thread; read from any.
/// </summary>
/// <remarks>Bounded against hostile input: at most <see cref="MaxStreams"/> streams and <see cref="MaxVersionsPerStream"/>
/// versions per stream (the oldest version is evicted), blobs up to <see cref="MaxBlobBytes"/>.</remarks>
public sealed class MetadataCache
{
    public const int MaxStreams = 1024;
    public const int MaxVersionsPerStream = 16;
    public const long DefaultMaxBlobBytes = 64L << 20;

    private readonly ConcurrentDictionary<uint, DataSourceInfo> _sources = new();
    private readonly ConcurrentDictionary<(uint Stream, uint Version), DataSourceMetadata> _meta = new();
    private readonly ConcurrentDictionary<(uint Stream, uint Version), MetaBlob> _blobs = new();
    private readonly Dictionary<uint, MetaBlobAssembler> _assemblers = [];
    private readonly long[] _discards = new long[Enum.GetValues<MetaBlobDiscard>().Length];
    private long _malformed;
    private long _blobsCompleted;
    private long _overflow;

    public MetadataCache(long maxBlobBytes = DefaultMaxBlobBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBlobBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBlobBytes, (long)Array.MaxLength);
        MaxBlobBytes = maxBlobBytes;
    }

    public long MaxBlobBytes { get; }

    /// <summary>Metadata messages that did not decode (blobs counted under <see cref="MetaBlobDiscard.Malformed"/>).</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    /// <summary>Messages ignored because the cache already holds <see cref="MaxStreams"/> streams.</summary>
    public long Overflow => Volatile.Read(ref _overflow);

    public long BlobsCompleted => Volatile.Read(ref _blobsCompleted);

    public long BlobDiscards(MetaBlobDiscard reason) => Volatile.Read(ref _discards[(int)reason]);

    public bool TryGetSource(uint streamId, out DataSourceInfo info) => _sources.TryGetValue(streamId, out info!);

    /// <summary>The attributes of <paramref name="streamId"/> at <paramref name="metaVersion"/> (what a frame's meta_version refers to).</summary>
    public bool TryGetMetadata(uint streamId, uint metaVersion, out DataSourceMetadata metadata) =>
        _meta.TryGetValue((streamId, metaVersion), out metadata!);

    public bool TryGetBlob(uint streamId, uint metaVersion, out MetaBlob blob) => _blobs.TryGetValue((streamId, metaVersion), out blob!);

    /// <summary>Feed one message of the metadata stream; false when it is not a metadata message of schema 900.</summary>
    public bool OnMessage(ReadOnlySpan<byte> message)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header) || header.SchemaId != DataSourceAnnounceDecoder.SchemaId)
        {
            return false;
        }
        switch (header.TemplateId)
        {
            case DataSourceAnnounceDecoder.TemplateId:
                OnAnnounce(message);
                return true;
            case DataSourceMetaDecoder.TemplateId:
                OnMeta(message);
                return true;
            case MetaBlobAnnounceDecoder.TemplateId:
                if (MetaBlobAnnounceDecoder.TryWrap(message, out MetaBlobAnnounceDecoder a, out _))
                {
                    if (Assembler(a.StreamId) is { } asm)
                    {
                        Count(asm.OnAnnounce(a));
                    }
                }
                else
                {
                    Count(MetaBlobDiscard.Malformed);
                }
                return true;
            case MetaBlobChunkDecoder.TemplateId:
                if (MetaBlobChunkDecoder.TryWrap(message, out MetaBlobChunkDecoder c, out _))
                {
                    Count(_assemblers.TryGetValue(c.StreamId, out MetaBlobAssembler? asm) ? asm.OnChunk(c) : MetaBlobDiscard.Orphan);
                }
                else
                {
                    Count(MetaBlobDiscard.Malformed);
                }
                return true;
            case MetaBlobCompleteDecoder.TemplateId:
                if (MetaBlobCompleteDecoder.TryWrap(message, out MetaBlobCompleteDecoder d, out _))
                {
                    if (!_assemblers.TryGetValue(d.StreamId, out MetaBlobAssembler? asm))
                    {
                        Count(MetaBlobDiscard.Orphan);
                    }
                    else if (asm.OnComplete(d, out MetaBlobDiscard? why) is { } blob)
                    {
                        _blobs[(blob.StreamId, blob.MetaVersion)] = blob;
                        Evict(_blobs, blob.StreamId);
                        _blobsCompleted++;
                    }
                    else
                    {
                        Count(why);
                    }
                }
                else
                {
                    Count(MetaBlobDiscard.Malformed);
                }
                return true;
            default:
                return false;
        }
    }

    private void OnAnnounce(ReadOnlySpan<byte> message)
    {
        if (!DataSourceAnnounceDecoder.TryWrap(message, out DataSourceAnnounceDecoder a, out _))
        {
            _malformed++;
            return;
        }
        if (_sources.TryGetValue(a.StreamId, out DataSourceInfo? known) && known.ProducerId == a.ProducerId && known.Epoch == a.Epoch &&
            known.MetaVersion == a.MetaVersion && Same(known.Name, a.Name) && Same(known.Summary, a.Summary))
        {
            return; // the periodic beacon, unchanged: nothing allocated
        }
        if (known is null && _sources.Count >= MaxStreams)
        {
            _overflow++;
            return;
        }
        _sources[a.StreamId] = new DataSourceInfo(a.StreamId, a.ProducerId, a.Epoch, a.MetaVersion, a.GetNameString(), a.GetSummaryString());
    }

    private void OnMeta(ReadOnlySpan<byte> message)
    {
        if (!DataSourceMetaDecoder.TryWrap(message, out DataSourceMetaDecoder m, out _))
        {
            _malformed++;
            return;
        }
        if (_meta.TryGetValue((m.StreamId, m.MetaVersion), out DataSourceMetadata? known) && known.TimestampNs == m.TimestampNs)
        {
            return; // the periodic re-send of a version already held
        }
        if (!_sources.ContainsKey(m.StreamId) && _sources.Count >= MaxStreams)
        {
            _overflow++;
            return;
        }
        var attributes = new List<MetaAttribute>();
        foreach (DataSourceMetaDecoder.AttributesDecoder item in m.Attributes)
        {
            attributes.Add(new MetaAttribute(Encoding.ASCII.GetString(item.Key), Encoding.ASCII.GetString(item.Format), item.Value.ToArray()));
        }
        _meta[(m.StreamId, m.MetaVersion)] = new DataSourceMetadata(m.StreamId, m.MetaVersion, m.TimestampNs, attributes);
        Evict(_meta, m.StreamId);
    }

    private MetaBlobAssembler? Assembler(uint streamId)
    {
        if (!_assemblers.TryGetValue(streamId, out MetaBlobAssembler? asm))
        {
            if (_assemblers.Count >= MaxStreams)
            {
                _overflow++;
                return null;
            }
            asm = new MetaBlobAssembler(streamId, MaxBlobBytes);
            _assemblers.Add(streamId, asm);
        }
        return asm;
    }

    /// <summary>Keep the newest <see cref="MaxVersionsPerStream"/> versions of a stream.</summary>
    private static void Evict<T>(ConcurrentDictionary<(uint Stream, uint Version), T> map, uint streamId)
    {
        List<uint> versions = [.. map.Keys.Where(k => k.Stream == streamId).Select(k => k.Version).Order()];
        for (int i = 0; i < versions.Count - MaxVersionsPerStream; i++)
        {
            map.TryRemove((streamId, versions[i]), out _);
        }
    }

    private void Count(MetaBlobDiscard? reason)
    {
        if (reason is MetaBlobDiscard r)
        {
            Interlocked.Increment(ref _discards[(int)r]);
        }
    }

    private static bool Same(string known, ReadOnlySpan<byte> ascii)
    {
        if (known.Length != ascii.Length)
        {
            return false;
        }
        for (int i = 0; i < ascii.Length; i++)
        {
            if (known[i] != ascii[i])
            {
                return false;
            }
        }
        return true;
    }
}
