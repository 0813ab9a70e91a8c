using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier;

/// <summary>What a barrier knows of one input stream: its current epoch, cursors and timestamps (JoinBarrier spec §4).</summary>
internal struct JoinInput
{
    public uint StreamId;
    public bool HasEpoch;
    public ulong Epoch;
    public bool HasObservation;
    public ulong ObservedSeq;
    public bool HasProcessed;
    public ulong ProcessedSeq;
    public JoinTimeCursor Descriptor;
    public JoinTimeCursor Slot;
    public ClockDomain ClockDomain;
    public bool HasObservedEver;
    public long LastObservedNs;

    /// <summary>A new epoch of the input: everything observed before belongs to the old one (§9.1, wire spec §15.2).</summary>
    public void StartEpoch(ulong epoch)
    {
        bool everObserved = HasObservedEver;
        long lastObserved = LastObservedNs;
        uint streamId = StreamId;
        this = default;
        StreamId = streamId;
        HasEpoch = true;
        Epoch = epoch;
        HasObservedEver = everObserved;
        LastObservedNs = lastObserved;
    }
}
