using TensorPool.Agents;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Transport;

/// <summary>
/// The subscriptions one thread follows, to sleep on all of them at once: a tp:ipc subscription's log wakes the thread
/// when a publisher of any process commits (futex words, log.h "Futex"), and <see cref="Wake"/> (a doorbell word of this
/// process) wakes it for anything else: a subscription added or removed, a Dispose, a cancellation, queued work.
/// </summary>
/// <remarks>
/// <para>Lost wake-ups: the doorbell's value is read when a wait starts and compared again by the kernel as it sleeps,
/// so a <see cref="Wake"/> that comes after the caller's last look (its duty cycle) and before the sleep ends the sleep
/// at once; a commit after the caller's last poll finds the sleeper's flag on the log (log.h). A subscription of another
/// transport (no futex to sleep on) makes the set wake every millisecond to poll.</para>
/// <para>Threads: <see cref="WaitForMessages"/> from the thread that polls the subscriptions (it uses them as a poll does);
/// <see cref="Add"/>, <see cref="Remove"/> and <see cref="Wake"/> from any thread. A subscription disposed by another
/// thread while the set sleeps wakes it (its Dispose wakes the log's sleepers) and is skipped from then on.</para>
/// </remarks>
public sealed unsafe class SubscriptionWaitSet : IWaitSource, ICombinableWaitSource
{
    /// <summary>How many subscriptions one set follows (one sleep watches this many logs).</summary>
    public const int MaxSubscriptions = (int)TpLogWaitLimits.MaxSubscriptions;

    private const long ForeignPollNs = 1_000_000;

    private readonly object _gate = new();
    // Pinned, never freed: a Wake racing the owner's end rings live memory, and the native side reads it in place.
    private readonly uint[] _doorbell = GC.AllocateArray<uint>(1, pinned: true);
    private readonly nint[] _pointers = GC.AllocateArray<nint>(MaxSubscriptions, pinned: true);
    private readonly TpIpcSubscription?[] _entered = new TpIpcSubscription?[MaxSubscriptions];
    private ISubscription[] _members = [];
    // The doorbells of the CombinedWaitSources this set is part of: a Wake of the set ends their sleeps too.
    private uint[][] _linked = [];
    private uint _seen;
    private AsyncWaiter? _asyncWaiter;

    /// <summary>The subscriptions followed now (a snapshot).</summary>
    public IReadOnlyList<ISubscription> Subscriptions => Volatile.Read(ref _members);

    /// <summary>Follow <paramref name="subscription"/> too (a sleeping <see cref="WaitForMessages"/> is woken to take it in).</summary>
    /// <exception cref="InvalidOperationException">The set already follows <see cref="MaxSubscriptions"/>.</exception>
    public void Add(ISubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_gate)
        {
            ISubscription[] members = _members;
            if (Array.IndexOf(members, subscription) >= 0)
            {
                return;
            }
            if (members.Length == MaxSubscriptions)
            {
                throw new InvalidOperationException($"a wait set follows at most {MaxSubscriptions} subscriptions");
            }
            Volatile.Write(ref _members, [.. members, subscription]);
        }
        Wake();
    }

    /// <summary>Stop following <paramref name="subscription"/>; false when it was not followed.</summary>
    public bool Remove(ISubscription subscription)
    {
        lock (_gate)
        {
            ISubscription[] members = _members;
            int i = Array.IndexOf(members, subscription);
            if (i < 0)
            {
                return false;
            }
            Volatile.Write(ref _members, [.. members.AsSpan(0, i), .. members.AsSpan(i + 1)]);
        }
        Wake();
        return true;
    }

    /// <summary>Swap <paramref name="old"/> for <paramref name="replacement"/> (a stream switch) in one step.</summary>
    public void Replace(ISubscription? old, ISubscription replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        lock (_gate)
        {
            ISubscription[] members = _members;
            int i = old is null ? -1 : Array.IndexOf(members, old);
            if (i >= 0)
            {
                ISubscription[] next = (ISubscription[])members.Clone();
                next[i] = replacement;
                Volatile.Write(ref _members, next);
            }
            else if (Array.IndexOf(members, replacement) < 0)
            {
                if (members.Length == MaxSubscriptions)
                {
                    throw new InvalidOperationException($"a wait set follows at most {MaxSubscriptions} subscriptions");
                }
                Volatile.Write(ref _members, [.. members, replacement]);
            }
        }
        Wake();
    }

    public void Wake()
    {
        Ring(_doorbell);
        uint[][] linked = Volatile.Read(ref _linked);
        for (int i = 0; i < linked.Length; i++)
        {
            Ring(linked[i]);
        }
    }

    SubscriptionWaitSet ICombinableWaitSource.WaitSet => this;

    long ICombinableWaitSource.TimeUntilDueNs() => -1;

    /// <summary>Ring <paramref name="doorbell"/> (a pinned one-word array) too whenever this set is woken.</summary>
    internal void Link(uint[] doorbell)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_linked, doorbell) < 0)
            {
                Volatile.Write(ref _linked, [.. _linked, doorbell]);
            }
        }
    }

    internal void Unlink(uint[] doorbell)
    {
        lock (_gate)
        {
            int i = Array.IndexOf(_linked, doorbell);
            if (i >= 0)
            {
                Volatile.Write(ref _linked, [.. _linked.AsSpan(0, i), .. _linked.AsSpan(i + 1)]);
            }
        }
    }

    internal static void Ring(uint[] doorbell)
    {
        fixed (uint* word = doorbell)
        {
            NativeError.Check(NativeMethods.tp_log_doorbell_ring(word), "waking a wait set");
        }
    }

    /// <summary>
    /// Enter the followed tp:ipc subscriptions as a poll does, appending their native pointers to <paramref name="pointers"/>
    /// and the entered subscriptions to <paramref name="entered"/> from <paramref name="count"/> on; returns the new count.
    /// <paramref name="foreign"/> is set when a member cannot be slept on (another transport, or no room left): the
    /// sleeper must then wake every millisecond to poll. Each entered subscription must be exited (<see cref="ExitAll"/>).
    /// </summary>
    internal int EnterAll(nint[] pointers, TpIpcSubscription?[] entered, int count, ref bool foreign)
    {
        ISubscription[] members = Volatile.Read(ref _members);
        for (int i = 0; i < members.Length; i++)
        {
            if (members[i] is TpIpcSubscription tp && count < pointers.Length)
            {
                // Entered as a poll enters it: a Dispose meanwhile defers the native close to ExitAll.
                TpLogSubscription* native = tp.EnterWait();
                if (native != null)
                {
                    entered[count] = tp;
                    pointers[count++] = (nint)native;
                }
            }
            else if (!members[i].IsClosed)
            {
                foreign = true;
            }
        }
        return count;
    }

    internal static void ExitAll(TpIpcSubscription?[] entered, int count)
    {
        for (int i = 0; i < count; i++)
        {
            entered[i]!.ExitWait();
            entered[i] = null;
        }
    }

    /// <summary>
    /// One sleep on the entered subscriptions and <paramref name="doorbell"/> (whose value was <paramref name="rung"/> when
    /// the caller last looked); true when a subscription is ready.
    /// </summary>
    internal static bool Sleep(nint[] pointers, int count, uint[] doorbell, uint rung, bool foreign, long timeoutNs)
    {
        if (foreign && (timeoutNs < 0 || timeoutNs > ForeignPollNs))
        {
            timeoutNs = ForeignPollNs;
        }
        int rc;
        fixed (nint* entered = pointers)
        fixed (uint* word = doorbell)
        {
            rc = NativeMethods.tp_log_wait_any((TpLogSubscription**)entered, count, word, rung, timeoutNs);
        }
        return rc == (int)TpLogWaitResult.Ready || (rc < 0 ? throw NativeError.Create(rc, "waiting on a wait set") : false);
    }

    /// <summary>
    /// Sleep until a followed subscription has a message (or a loss to account for), <see cref="Wake"/> was called since
    /// the last wait returned, or <paramref name="timeoutNs"/> passes (negative: none). Returns true when a subscription
    /// is ready to poll; false on a timeout or a wake-up: either way, run the duty cycle and wait again.
    /// </summary>
    public bool WaitForMessages(long timeoutNs)
    {
        uint rung = DoorbellValue;
        if (rung != _seen)
        {
            _seen = rung; // woken since the last wait returned: the caller re-checks before sleeping
            return false;
        }
        int count = 0;
        bool foreign = false;
        try
        {
            count = EnterAll(_pointers, _entered, 0, ref foreign);
            return Sleep(_pointers, count, _doorbell, rung, foreign, timeoutNs);
        }
        finally
        {
            ExitAll(_entered, count);
        }
    }

    /// <summary>
    /// <see cref="WaitForMessages"/> without a thread: the process's async-wait thread sleeps for this set (and every
    /// other set waited on so) and completes the returned task with true when a subscription is ready, false when the
    /// set was woken. One wait at a time, from the polling side; allocates nothing unless the token can be cancelled.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled (thrown by the awaited task).</exception>
    internal ValueTask<bool> WaitForMessagesAsync(CancellationToken cancellationToken)
    {
        uint rung = DoorbellValue;
        if (rung != _seen)
        {
            _seen = rung; // woken since the last wait returned: the caller re-checks before waiting
            return new ValueTask<bool>(false);
        }
        AsyncWaiter? waiter = _asyncWaiter;
        if (waiter is null)
        {
            waiter = _asyncWaiter = new AsyncWaiter(this);
            Link(AsyncWaitPump.Instance.Doorbell); // from now on a Wake of this set reaches the pump
            if (DoorbellValue != rung)
            {
                return new ValueTask<bool>(false); // woken while linking: the pump would not have seen it
            }
        }
        return waiter.WaitAsync(rung, cancellationToken);
    }

    /// <summary>The doorbell's value now (a Wake changes it).</summary>
    internal uint DoorbellValue => Volatile.Read(ref _doorbell[0]);

    void IWaitSource.Wait(long timeoutNs) => WaitForMessages(timeoutNs);
}
