using TensorPool.Consumers;
using TensorPool.Frames;

namespace TensorPool.JoinBarrier.Stage;

/// <summary>
/// What a <see cref="JoinStage"/> keeps of one input: its consumer, the recent descriptors it observed (a fixed ring:
/// sequence, timestamps, trace id) to find the frame a rule names, and the frame selected for the current tick.
/// </summary>
internal sealed class InputTrack
{
    /// <summary>Recent observations kept per input (a power of two).</summary>
    internal const int HistoryLength = 256;

    private readonly Observed[] _history = new Observed[HistoryLength];

    public InputTrack(int index, uint streamId, Consumer consumer)
    {
        Index = index;
        StreamId = streamId;
        Consumer = consumer;
    }

    public int Index { get; }

    public uint StreamId { get; }

    public Consumer Consumer { get; }

    public bool HasEpoch { get; private set; }

    public ulong Epoch { get; private set; }

    public bool HasNewest { get; private set; }

    public ulong NewestSeq { get; private set; }

    /// <summary>values_len_bytes of the first frame observed (sizes the output before any join).</summary>
    public int FirstLength { get; private set; } = -1;

    /// <summary>A frame arrived since the last output (latest-value ticks).</summary>
    public bool Fresh { get; set; }

    /// <summary>The input started a newer epoch since the output's epoch began (its sequences count from 0 again).</summary>
    public bool RestartedSinceOutputStart { get; set; }

    // The current tick's selection.
    public bool Present;
    public JoinInputState State;
    public ulong SelectedEpoch;
    public ulong SelectedSeq;
    public ulong SelectedDescriptorNs;
    public ulong SelectedTraceId;
    public long SelectedCommitNs;

    // Counted per output tick the barrier evaluated.
    public long Observations;
    public long Ready;
    public long Stale;
    public long Rejected;
    public long Invalid;
    public long Waiting;
    public long Dropped;

    /// <summary>
    /// Records one delivered frame; true when it starts a newer epoch of the input (a producer restart, wire spec §15.2).
    /// </summary>
    public bool Observe(in Frame frame)
    {
        bool restarted = HasEpoch && frame.Epoch > Epoch;
        if (!HasEpoch || restarted)
        {
            RestartedSinceOutputStart |= restarted;
            HasEpoch = true;
            Epoch = frame.Epoch;
            HasNewest = false;
            Array.Clear(_history);
        }
        ulong seq = frame.Seq;
        ref Observed o = ref _history[(int)(seq & (HistoryLength - 1))];
        o.Valid = true;
        o.Seq = seq;
        o.SlotNs = frame.TimestampNs;
        o.DescriptorNs = frame.DescriptorTimestampNs ?? ulong.MaxValue;
        o.TraceId = frame.TraceId; // 0 when the input is untraced
        if (!HasNewest || seq > NewestSeq)
        {
            HasNewest = true;
            NewestSeq = seq;
        }
        if (FirstLength < 0)
        {
            FirstLength = (int)frame.ValuesLenBytes;
        }
        Fresh = true;
        Observations++;
        return restarted;
    }

    /// <summary>Selects frame <paramref name="seq"/> for this tick, with what its descriptor said when it is still in the history.</summary>
    public void Select(ulong seq)
    {
        SelectedEpoch = Epoch;
        SelectedSeq = seq;
        ref Observed o = ref _history[(int)(seq & (HistoryLength - 1))];
        bool known = o.Valid && o.Seq == seq;
        SelectedDescriptorNs = known ? o.DescriptorNs : ulong.MaxValue;
        SelectedTraceId = known ? o.TraceId : 0;
        ulong commit = !known ? 0 : o.DescriptorNs != ulong.MaxValue ? o.DescriptorNs : o.SlotNs;
        SelectedCommitNs = (long)Math.Min(commit, long.MaxValue);
    }

    /// <summary>
    /// The frame a timestamp rule names: the newest observed frame whose SlotHeader time is at most
    /// <paramref name="inTimeNs"/>, else (lateness let the check pass before such a frame exists) the oldest kept.
    /// False when nothing of the current epoch is kept.
    /// </summary>
    public bool TryFindByTime(ulong inTimeNs, out ulong seq)
    {
        seq = 0;
        if (!HasNewest)
        {
            return false;
        }
        bool found = false;
        for (int back = 0; back < HistoryLength && (ulong)back <= NewestSeq; back++)
        {
            ulong s = NewestSeq - (ulong)back;
            ref Observed o = ref _history[(int)(s & (HistoryLength - 1))];
            if (!o.Valid || o.Seq != s)
            {
                continue;
            }
            seq = s;
            found = true;
            if (o.SlotNs <= inTimeNs)
            {
                return true;
            }
        }
        return found;
    }

    /// <summary>The SlotHeader time of the newest frame, if any.</summary>
    public bool TryNewestSlotTime(out ulong timeNs)
    {
        timeNs = 0;
        if (!HasNewest)
        {
            return false;
        }
        ref Observed o = ref _history[(int)(NewestSeq & (HistoryLength - 1))];
        timeNs = o.SlotNs;
        return o.Valid && o.Seq == NewestSeq && o.SlotNs != 0;
    }

    private struct Observed
    {
        public bool Valid;
        public ulong Seq;
        public ulong SlotNs;
        public ulong DescriptorNs;
        public ulong TraceId;
    }
}
