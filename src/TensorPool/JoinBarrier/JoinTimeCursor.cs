namespace TensorPool.JoinBarrier;

/// <summary>
/// One timestamp source (FrameDescriptor or SlotHeader) of one input in its current epoch: the observed time, whether
/// the newest frame lacked it, whether it went backwards, the processed time, and the frame with the highest time.
/// </summary>
internal struct JoinTimeCursor
{
    public bool HasTime;
    public ulong Time;
    public bool NewestIsNull;
    public bool Rejected;
    public bool HasProcessed;
    public ulong ProcessedTime;
    public ulong LatestSeq;

    /// <summary>Takes a frame's timestamp; false when it went backwards (the source is then rejected, §8.2).</summary>
    public bool Observe(ulong? timestampNs, ulong seq)
    {
        if (timestampNs is not ulong t)
        {
            NewestIsNull = true;
            return true;
        }
        NewestIsNull = false;
        if (HasTime && t < Time)
        {
            Rejected = true;
            return false;
        }
        HasTime = true;
        Time = t;
        LatestSeq = seq;
        return true;
    }

    public void Process(ulong? timestampNs)
    {
        if (timestampNs is ulong t && (!HasProcessed || t > ProcessedTime))
        {
            HasProcessed = true;
            ProcessedTime = t;
        }
    }
}
