namespace TensorPool.JoinBarrier;

/// <summary>An output stream's maps in a <see cref="MergeMapRegistry"/>: its newest epoch and each kind's state. Immutable.</summary>
internal sealed class MergeMapEntry
{
    private readonly Held _sequence;
    private readonly Held _timestamp;

    public MergeMapEntry(uint outStreamId, ulong epoch)
        : this(outStreamId, epoch, default, default)
    {
    }

    private MergeMapEntry(uint outStreamId, ulong epoch, Held sequence, Held timestamp)
    {
        OutStreamId = outStreamId;
        Epoch = epoch;
        _sequence = sequence;
        _timestamp = timestamp;
    }

    public uint OutStreamId { get; }

    public ulong Epoch { get; }

    public Held Of(MergeMapKind kind) => kind == MergeMapKind.Sequence ? _sequence : _timestamp;

    public MergeMapEntry With(MergeMapKind kind, Held held) => kind == MergeMapKind.Sequence
        ? new MergeMapEntry(OutStreamId, Epoch, held, _timestamp)
        : new MergeMapEntry(OutStreamId, Epoch, _sequence, held);

    /// <summary>One kind's state: the valid map, or why the last announce was rejected, and the bytes it came as.</summary>
    public readonly record struct Held(MergeMapState State, object? Map, MergeMapRejection Rejection, byte[]? Bytes);
}
