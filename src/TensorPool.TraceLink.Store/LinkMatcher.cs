using System.Buffers;

namespace TensorPool.TraceLink.Store;

/// <summary>
/// Checks TraceLinkSets against their output frame's FrameDescriptor (TraceLink §9.2: stream_id, epoch and seq match
/// the frame, and the trace id is the frame's). The two arrive on different streams in either order, so the matcher
/// remembers the most recent traced frames, and holds a set whose frame it has not seen yet until the frame comes or
/// the match timeout passes (D153). Single-threaded (the recorder's polling thread).
/// </summary>
internal sealed class LinkMatcher
{
    private readonly Dictionary<FrameKey, ulong> _recent;
    private readonly Dictionary<ulong, int> _framesOfTrace;
    private readonly FrameKey[] _recentOrder;
    private int _recentNext;
    private int _recentCount;

    private readonly Pending[] _pending;
    private readonly Dictionary<FrameKey, int> _pendingByKey;
    private int _pendingHead;
    private int _pendingCount; // slots in the ring, decided ones included until they reach its head
    private int _waiting;      // sets still waiting
    private readonly long _timeoutNs;

    public LinkMatcher(int recentFrames, int maxPending, TimeSpan timeout)
    {
        _recent = new Dictionary<FrameKey, ulong>(recentFrames);
        _framesOfTrace = new Dictionary<ulong, int>(recentFrames);
        _recentOrder = new FrameKey[recentFrames];
        _pending = new Pending[maxPending];
        _pendingByKey = new Dictionary<FrameKey, int>(maxPending);
        _timeoutNs = (long)(timeout.TotalMilliseconds * 1_000_000);
    }

    /// <summary>Sets waiting for their frame.</summary>
    public int PendingCount => _waiting;

    /// <summary>A traced frame arrived: remembered, and the set waiting for it (if any) is decided.</summary>
    public void OnFrame<TSink>(FrameKey key, ulong traceId, ref TSink sink)
        where TSink : struct, ILinkSink
    {
        if (!_recent.TryAdd(key, traceId))
        {
            return; // the same descriptor again
        }
        if (_recentCount == _recentOrder.Length)
        {
            FrameKey old = _recentOrder[_recentNext];
            if (_recent.Remove(old, out ulong oldTrace))
            {
                Release(oldTrace);
            }
        }
        else
        {
            _recentCount++;
        }
        _recentOrder[_recentNext] = key;
        _recentNext = (_recentNext + 1) % _recentOrder.Length;
        ref int frames = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_framesOfTrace, traceId, out _);
        frames++;

        if (_pendingCount > 0 && _pendingByKey.Remove(key, out int index))
        {
            ref Pending p = ref _pending[index];
            Decide(ref p, p.TraceId == traceId ? TraceLinkRejectReason.None : TraceLinkRejectReason.FrameMismatch, ref sink);
        }
    }

    /// <summary>A valid set arrived (§9.2's own rules already checked): decided now if its frame was seen, else held.</summary>
    public void OnLinkSet<TSink>(FrameKey key, ulong traceId, ReadOnlySpan<ulong> parents, long nowNs, ref TSink sink)
        where TSink : struct, ILinkSink
    {
        if (_recent.TryGetValue(key, out ulong frameTrace))
        {
            if (frameTrace == traceId)
            {
                sink.Accept(traceId, parents);
            }
            else
            {
                sink.Reject(TraceLinkRejectReason.FrameMismatch);
            }
            return;
        }
        if (_pendingByKey.TryGetValue(key, out int waiting))
        {
            ref Pending same = ref _pending[waiting];
            if (same.TraceId == traceId)
            {
                same.Append(parents); // a second set for the same output: one answer for both
            }
            else
            {
                sink.Reject(TraceLinkRejectReason.FrameMismatch); // two sets name one frame with different traces
            }
            return;
        }
        if (_pendingCount == _pending.Length)
        {
            ref Pending oldest = ref _pending[_pendingHead];
            if (oldest.Parents is not null)
            {
                _pendingByKey.Remove(oldest.Key);
                Decide(ref oldest, Verdict(oldest.TraceId), ref sink);
            }
            Pop();
        }
        int slot = (_pendingHead + _pendingCount) % _pending.Length;
        _pending[slot].Hold(key, traceId, parents, nowNs + _timeoutNs);
        _pendingByKey[key] = slot;
        _pendingCount++;
        _waiting++;
    }

    /// <summary>Rejects the sets that waited longer than the timeout (or all of them at the end, <paramref name="all"/>).</summary>
    public void Expire<TSink>(long nowNs, bool all, ref TSink sink)
        where TSink : struct, ILinkSink
    {
        while (_pendingCount > 0)
        {
            ref Pending oldest = ref _pending[_pendingHead];
            if (oldest.Parents is not null)
            {
                if (!all && oldest.DeadlineNs > nowNs)
                {
                    return;
                }
                _pendingByKey.Remove(oldest.Key);
                Decide(ref oldest, Verdict(oldest.TraceId), ref sink);
            }
            Pop();
        }
    }

    // Unseen frame: a mismatch when the trace was seen on other frames (the set names the wrong stream, epoch or seq),
    // else unmatched (its descriptor never came: lost, or another descriptor stream).
    private TraceLinkRejectReason Verdict(ulong traceId) =>
        _framesOfTrace.ContainsKey(traceId) ? TraceLinkRejectReason.FrameMismatch : TraceLinkRejectReason.Unmatched;

    private void Decide<TSink>(ref Pending p, TraceLinkRejectReason reason, ref TSink sink)
        where TSink : struct, ILinkSink
    {
        _waiting--;
        if (reason == TraceLinkRejectReason.None)
        {
            sink.Accept(p.TraceId, p.Parents.AsSpan(0, p.Count));
        }
        else
        {
            sink.Reject(reason);
        }
        p.Clear();
    }

    private void Pop()
    {
        _pendingHead = (_pendingHead + 1) % _pending.Length;
        _pendingCount--;
    }

    private void Release(ulong traceId)
    {
        ref int frames = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_framesOfTrace, traceId);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref frames) && --frames == 0)
        {
            _framesOfTrace.Remove(traceId);
        }
    }

    /// <summary>A set held for its frame; its parents in a pooled array (returned when decided).</summary>
    private struct Pending
    {
        public FrameKey Key;
        public ulong TraceId;
        public ulong[] Parents;
        public int Count;
        public long DeadlineNs;

        public void Hold(FrameKey key, ulong traceId, ReadOnlySpan<ulong> parents, long deadlineNs)
        {
            Key = key;
            TraceId = traceId;
            DeadlineNs = deadlineNs;
            Parents = ArrayPool<ulong>.Shared.Rent(Math.Max(parents.Length, 8));
            parents.CopyTo(Parents);
            Count = parents.Length;
        }

        public void Append(ReadOnlySpan<ulong> more)
        {
            if (Count + more.Length > Parents.Length)
            {
                ulong[] bigger = ArrayPool<ulong>.Shared.Rent(Count + more.Length);
                Parents.AsSpan(0, Count).CopyTo(bigger);
                ArrayPool<ulong>.Shared.Return(Parents);
                Parents = bigger;
            }
            more.CopyTo(Parents.AsSpan(Count));
            Count += more.Length;
        }

        public void Clear()
        {
            if (Parents is not null)
            {
                ArrayPool<ulong>.Shared.Return(Parents);
            }
            this = default;
        }
    }
}
