namespace TensorPool.Producers;

/// <summary>What a join stage needs beyond claims: its output sequence and giving one up.</summary>
public sealed unsafe partial class Producer
{
    /// <summary>The sequence the next claim gets (FrameDescriptor.seq of the next frame).</summary>
    internal ulong NextSeq => _nextSeq;

    /// <summary>
    /// Gives up the next sequence without publishing it: a join stage whose required input frame was overwritten
    /// cannot make that output (JoinBarrier spec §7.2: drop on failure). Consumers see a gap and count it.
    /// </summary>
    /// <exception cref="InvalidOperationException">A claim is open, or the producer is disposed.</exception>
    internal void SkipSequence()
    {
        if (_claimOpen || _disposed != 0)
        {
            ThrowClaimMisuse();
        }
        Volatile.Write(ref _nextSeq, _nextSeq + 1);
    }
}
