using TensorPool.Interop;
using TensorPool.Interop.Internal;
using TensorPool.Native.Internal;

namespace TensorPool.Transport;

/// <summary>
/// One background thread of the process that sleeps, with one <c>tp_log_wait_any</c>, on the subscriptions of every
/// pending <see cref="AsyncWaiter"/> and on its own doorbell, then completes the waiters whose subscriptions are ready
/// or whose set was woken (docs/DECISIONS.md D187). Idle, it sleeps with no timeout: an async reader waiting for frames
/// costs no CPU, and a commit wakes it through the log's futex as a waiting thread is woken.
/// </summary>
/// <remarks>
/// A sleep follows at most <see cref="SubscriptionWaitSet.MaxSubscriptions"/> subscriptions; the waiters past that,
/// and those with a subscription of another transport, are completed every millisecond to poll. Steady state allocates
/// nothing: the waiters are reused, the queue and the active list keep their capacity.
/// </remarks>
internal sealed unsafe class AsyncWaitPump
{
    private const long PollNs = 1_000_000;

    private static readonly Lock StartGate = new();
    private static AsyncWaitPump? s_instance;

    private readonly Lock _gate = new();
    // Pinned, never freed (the pump lives as long as the process): sets linked to it ring this word from any thread.
    private readonly uint[] _doorbell = GC.AllocateArray<uint>(1, pinned: true);
    private readonly nint[] _pointers = GC.AllocateArray<nint>(SubscriptionWaitSet.MaxSubscriptions, pinned: true);
    private readonly TpIpcSubscription?[] _entered = new TpIpcSubscription?[SubscriptionWaitSet.MaxSubscriptions];
    private readonly List<AsyncWaiter> _queued = new(16);
    private readonly List<AsyncWaiter> _active = new(16);

    private AsyncWaitPump()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "tensorpool-async-wait" };
        thread.Start();
    }

    public static AsyncWaitPump Instance
    {
        get
        {
            if (Volatile.Read(ref s_instance) is { } pump)
            {
                return pump;
            }
            lock (StartGate)
            {
                return s_instance ??= new AsyncWaitPump();
            }
        }
    }

    /// <summary>The doorbell a set rings on every Wake once an async wait used it.</summary>
    public uint[] Doorbell => _doorbell;

    public void Enqueue(AsyncWaiter waiter)
    {
        lock (_gate)
        {
            _queued.Add(waiter);
        }
        SubscriptionWaitSet.Ring(_doorbell);
    }

    private void Run()
    {
        while (true)
        {
            try
            {
                RunOnce();
            }
            catch (Exception e) when (e is TensorPoolException or ObjectDisposedException)
            {
                // A wait that failed (a subscription closed under it): complete every waiter so its owner polls and
                // sees the error or the disposal itself; never let the pump die.
                foreach (AsyncWaiter w in _active)
                {
                    w.TryComplete(false);
                }
                _active.Clear();
            }
            catch (Exception e)
            {
                // Anything else is a defect (a transport's subscription that throws, or one here). Escaping, it would
                // end the process (an unhandled exception on a thread); swallowed, the waiters would hang. The waiters
                // of this sleep get it as their result, so their owners see it where they await, and the pump goes on
                // for every other set.
                foreach (AsyncWaiter w in _active)
                {
                    w.TryFail(e);
                }
                _active.Clear();
            }
        }
    }

    private void RunOnce()
    {
        uint rung = Volatile.Read(ref _doorbell[0]);
        lock (_gate)
        {
            _active.AddRange(_queued);
            _queued.Clear();
        }
        _active.RemoveAll(static w => !w.IsPending);
        int count = 0;
        bool poll = false;
        try
        {
            bool woken = false;
            foreach (AsyncWaiter w in _active)
            {
                if (w.Set.DoorbellValue != w.DoorbellSeen)
                {
                    woken |= w.TryComplete(false); // its set was woken: a Dispose, a mapping, a stream switch
                    continue;
                }
                bool foreign = false;
                w.First = count;
                count = w.Set.EnterAll(_pointers, _entered, count, ref foreign);
                w.Count = count - w.First;
                w.Polled = foreign;
                poll |= foreign;
            }
            if (!woken)
            {
                SubscriptionWaitSet.Sleep(_pointers, count, _doorbell, rung, foreign: false, poll ? PollNs : -1);
            }
            foreach (AsyncWaiter w in _active)
            {
                if (!w.IsPending)
                {
                    continue;
                }
                bool ready = IsReady(w);
                if (ready || w.Polled || w.Set.DoorbellValue != w.DoorbellSeen)
                {
                    w.TryComplete(ready);
                }
            }
        }
        finally
        {
            SubscriptionWaitSet.ExitAll(_entered, count);
        }
    }

    private bool IsReady(AsyncWaiter w)
    {
        if (w.Count == 0)
        {
            return false;
        }
        int rc;
        fixed (nint* pointers = _pointers)
        {
            rc = NativeMethods.tp_log_wait_any((TpLogSubscription**)(pointers + w.First), w.Count, null, 0, 0);
        }
        return rc == (int)TpLogWaitResult.Ready || (rc < 0 ? throw NativeError.Create(rc, "checking an async wait") : false);
    }
}
