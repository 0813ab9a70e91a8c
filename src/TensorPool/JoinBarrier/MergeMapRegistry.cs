using TensorPool.Sbe;
using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>
/// The MergeMaps known to this process, scoped to (out_stream_id, epoch) (JoinBarrier spec §6.1, §6.4): for each output
/// stream, the sequence map and the timestamp map of its newest epoch, each valid, invalid until replaced (§6.2, §6.3)
/// or absent. Fed with announces from the control stream (<see cref="Offer"/>) or with maps made locally
/// (<see cref="Apply(SequenceMergeMap)"/>); read by the join barriers, which re-resolve their map whenever
/// <see cref="Version"/> moves.
/// </summary>
/// <remarks>
/// <para>Announces are hostile input: bytes that are not an announce are counted and change nothing; a well-formed
/// announce that breaks a rule invalidates its key until a valid one replaces it. A soft-state re-announce of the map
/// already held is recognised by its bytes and costs no allocation (docs/DECISIONS.md D161).</para>
/// <para>Threads: updates take a lock among themselves; readers (the barriers' checks) read an immutable snapshot and
/// never lock.</para>
/// </remarks>
public sealed class MergeMapRegistry
{
    /// <summary>Default bound on the output streams held.</summary>
    public const int DefaultMaxOutputStreams = 256;

    private readonly Lock _gate = new();
    private MergeMapEntry[] _entries = [];
    private long _version;
    private long _applied;
    private long _unchanged;
    private long _invalidated;
    private long _malformed;
    private long _staleEpoch;
    private long _overflowed;
    private long _ignored;

    /// <summary>A registry holding at most <paramref name="maxOutputStreams"/> output streams.</summary>
    public MergeMapRegistry(int maxOutputStreams = DefaultMaxOutputStreams)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxOutputStreams);
        MaxOutputStreams = maxOutputStreams;
    }

    public int MaxOutputStreams { get; }

    /// <summary>Moves on every change (a map applied or invalidated, a new epoch); barriers compare it to re-resolve.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Maps that started to apply.</summary>
    public long Applied => Volatile.Read(ref _applied);

    /// <summary>Re-announces of the map already held (soft state).</summary>
    public long Unchanged => Volatile.Read(ref _unchanged);

    /// <summary>Well-formed announces that broke §6.2 / §6.3 (each one counted, repeats included).</summary>
    public long Invalidated => Volatile.Read(ref _invalidated);

    /// <summary>Bytes on the MergeMap schema that were not a well-formed announce.</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    /// <summary>Announces for an epoch older than the output's newest known one.</summary>
    public long StaleEpochs => Volatile.Read(ref _staleEpoch);

    /// <summary>Announces for new output streams beyond <see cref="MaxOutputStreams"/>.</summary>
    public long Overflowed => Volatile.Read(ref _overflowed);

    /// <summary>Messages of other schemas, and MergeMap requests.</summary>
    public long Ignored => Volatile.Read(ref _ignored);

    /// <summary>
    /// Reads one control-stream message: a Sequence- or TimestampMergeMapAnnounce updates the registry; anything else
    /// is ignored. Never throws on bad bytes.
    /// </summary>
    public MergeMapUpdate Offer(ReadOnlySpan<byte> message)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
        {
            return Count(MergeMapUpdate.Malformed);
        }
        // §14: the schema is checked before any decode.
        if (header.SchemaId != SequenceMergeMapAnnounceDecoder.SchemaId)
        {
            return Count(MergeMapUpdate.Ignored);
        }
        switch (header.TemplateId)
        {
            case SequenceMergeMapAnnounceDecoder.TemplateId:
            {
                if (!SequenceMergeMapAnnounceDecoder.TryWrap(message, out SequenceMergeMapAnnounceDecoder d, out _))
                {
                    return Count(MergeMapUpdate.Malformed);
                }
                if (TryRepeat(MergeMapKind.Sequence, d.OutStreamId, d.Epoch, message, out MergeMapUpdate repeat))
                {
                    return Count(repeat);
                }
                _ = SequenceMergeMap.TryDecode(message, out SequenceMergeMap? map, out _, out MergeMapRejection rejection);
                return Update(MergeMapKind.Sequence, d.OutStreamId, d.Epoch, map, rejection, message.ToArray());
            }
            case TimestampMergeMapAnnounceDecoder.TemplateId:
            {
                if (!TimestampMergeMapAnnounceDecoder.TryWrap(message, out TimestampMergeMapAnnounceDecoder d, out _))
                {
                    return Count(MergeMapUpdate.Malformed);
                }
                if (TryRepeat(MergeMapKind.Timestamp, d.OutStreamId, d.Epoch, message, out MergeMapUpdate repeat))
                {
                    return Count(repeat);
                }
                _ = TimestampMergeMap.TryDecode(message, out TimestampMergeMap? map, out _, out MergeMapRejection rejection);
                return Update(MergeMapKind.Timestamp, d.OutStreamId, d.Epoch, map, rejection, message.ToArray());
            }
            default:
                return Count(MergeMapUpdate.Ignored);
        }
    }

    /// <summary>Makes <paramref name="map"/> the sequence map of its key (a map made locally, e.g. by its authority).</summary>
    public MergeMapUpdate Apply(SequenceMergeMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Update(MergeMapKind.Sequence, map.OutStreamId, map.Epoch, map, MergeMapRejection.None, map.ToArray());
    }

    /// <summary>Makes <paramref name="map"/> the timestamp map of its key.</summary>
    public MergeMapUpdate Apply(TimestampMergeMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Update(MergeMapKind.Timestamp, map.OutStreamId, map.Epoch, map, MergeMapRejection.None, map.ToArray());
    }

    /// <summary>The sequence map of (<paramref name="outStreamId"/>, <paramref name="epoch"/>), if any; why it is invalid, if it is.</summary>
    public MergeMapState GetSequence(uint outStreamId, ulong epoch, out SequenceMergeMap? map, out MergeMapRejection rejection)
    {
        MergeMapState state = Get(MergeMapKind.Sequence, outStreamId, epoch, out object? found, out rejection);
        map = found as SequenceMergeMap;
        return state;
    }

    /// <summary>The timestamp map of (<paramref name="outStreamId"/>, <paramref name="epoch"/>), if any; why it is invalid, if it is.</summary>
    public MergeMapState GetTimestamp(uint outStreamId, ulong epoch, out TimestampMergeMap? map, out MergeMapRejection rejection)
    {
        MergeMapState state = Get(MergeMapKind.Timestamp, outStreamId, epoch, out object? found, out rejection);
        map = found as TimestampMergeMap;
        return state;
    }

    /// <summary>The state of one kind of map for a key (no allocation).</summary>
    public MergeMapState GetState(MergeMapKind kind, uint outStreamId, ulong epoch) => Get(kind, outStreamId, epoch, out _, out _);

    /// <summary>The newest epoch announced for <paramref name="outStreamId"/>, or null.</summary>
    public ulong? NewestEpoch(uint outStreamId) => Find(Volatile.Read(ref _entries), outStreamId) is { } e ? e.Epoch : null;

    private MergeMapState Get(MergeMapKind kind, uint outStreamId, ulong epoch, out object? map, out MergeMapRejection rejection)
    {
        MergeMapEntry? e = Find(Volatile.Read(ref _entries), outStreamId);
        if (e is null || e.Epoch != epoch)
        {
            map = null;
            rejection = MergeMapRejection.None;
            return MergeMapState.Absent;
        }
        MergeMapEntry.Held held = e.Of(kind);
        map = held.Map;
        rejection = held.Rejection;
        return held.State;
    }

    // A soft-state re-announce: the very bytes held for this key. No decode, no allocation.
    private bool TryRepeat(MergeMapKind kind, uint outStreamId, ulong epoch, ReadOnlySpan<byte> message, out MergeMapUpdate update)
    {
        MergeMapEntry? e = Find(Volatile.Read(ref _entries), outStreamId);
        if (e is not null && e.Epoch == epoch && e.Of(kind).Bytes is { } bytes && message.SequenceEqual(bytes))
        {
            update = e.Of(kind).State == MergeMapState.Invalid ? MergeMapUpdate.Invalidated : MergeMapUpdate.Unchanged;
            return true;
        }
        update = default;
        return false;
    }

    private MergeMapUpdate Update(MergeMapKind kind, uint outStreamId, ulong epoch, object? map, MergeMapRejection rejection, byte[] bytes)
    {
        var held = new MergeMapEntry.Held(map is null ? MergeMapState.Invalid : MergeMapState.Valid, map, rejection, bytes);
        lock (_gate)
        {
            MergeMapEntry[] entries = _entries;
            int index = IndexOf(entries, outStreamId);
            MergeMapEntry next;
            MergeMapEntry[] updated;
            if (index < 0)
            {
                if (entries.Length >= MaxOutputStreams)
                {
                    return Count(MergeMapUpdate.Overflowed);
                }
                next = new MergeMapEntry(outStreamId, epoch).With(kind, held);
                updated = [.. entries, next];
            }
            else
            {
                MergeMapEntry current = entries[index];
                if (epoch < current.Epoch)
                {
                    return Count(MergeMapUpdate.StaleEpoch);
                }
                if (epoch == current.Epoch && held.State == MergeMapState.Valid && current.Of(kind).State == MergeMapState.Valid &&
                    Equals(current.Of(kind).Map, map))
                {
                    return Count(MergeMapUpdate.Unchanged);
                }
                // §6.4: a new epoch starts with no maps; the other kind's map of the old epoch does not carry over.
                next = (epoch == current.Epoch ? current : new MergeMapEntry(outStreamId, epoch)).With(kind, held);
                updated = (MergeMapEntry[])entries.Clone();
                updated[index] = next;
            }
            Volatile.Write(ref _entries, updated);
            Interlocked.Increment(ref _version);
        }
        return Count(held.State == MergeMapState.Valid ? MergeMapUpdate.Applied : MergeMapUpdate.Invalidated);
    }

    private MergeMapUpdate Count(MergeMapUpdate update)
    {
        switch (update)
        {
            case MergeMapUpdate.Applied: Interlocked.Increment(ref _applied); break;
            case MergeMapUpdate.Unchanged: Interlocked.Increment(ref _unchanged); break;
            case MergeMapUpdate.Invalidated: Interlocked.Increment(ref _invalidated); break;
            case MergeMapUpdate.Malformed: Interlocked.Increment(ref _malformed); break;
            case MergeMapUpdate.StaleEpoch: Interlocked.Increment(ref _staleEpoch); break;
            case MergeMapUpdate.Overflowed: Interlocked.Increment(ref _overflowed); break;
            default: Interlocked.Increment(ref _ignored); break;
        }
        return update;
    }

    private static MergeMapEntry? Find(MergeMapEntry[] entries, uint outStreamId)
    {
        int i = IndexOf(entries, outStreamId);
        return i < 0 ? null : entries[i];
    }

    private static int IndexOf(MergeMapEntry[] entries, uint outStreamId)
    {
        for (int i = 0; i < entries.Length; i++)
        {
            if (entries[i].OutStreamId == outStreamId)
            {
                return i;
            }
        }
        return -1;
    }
}
