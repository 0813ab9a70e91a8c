using TensorPool.Agents;

namespace TensorPool.Transport;

/// <summary>
/// Several wait sources slept on at once by one thread: the thread of a <see cref="Client.ConductorMode.Invoker"/>
/// client that runs the conductor (<see cref="Client.TensorPoolClient.DoWork"/>) and polls consumers. One sleep watches
/// every member's streams and doorbell and ends at the earliest member timer (docs/DECISIONS.md D186).
/// </summary>
/// <remarks>
/// <para>Members are the library's own sources: <see cref="Client.TensorPoolClient.ConductorWaitSource"/>,
/// <see cref="Consumers.Consumer.WaitSource"/> and <see cref="SubscriptionWaitSet"/>. Anything that wakes a member
/// (a mapping posted, a stream switch, a Dispose, work queued for the conductor) wakes the combined sleep.</para>
/// <para>Threads: <see cref="Wait"/> from the one thread that polls what the members watch; <see cref="Add"/>,
/// <see cref="Remove"/>, <see cref="Wake"/> and <see cref="Dispose"/> from any thread. One sleep follows at most
/// <see cref="SubscriptionWaitSet.MaxSubscriptions"/> subscriptions; past that the rest are polled every millisecond.
/// <see cref="Wait"/> allocates nothing.</para>
/// </remarks>
public sealed class CombinedWaitSource : IWaitSource, IDisposable
{
    private readonly object _gate = new();
    // Pinned, never freed: a member's Wake racing this source's Dispose rings live memory.
    private readonly uint[] _doorbell = GC.AllocateArray<uint>(1, pinned: true);
    private readonly nint[] _pointers = GC.AllocateArray<nint>(SubscriptionWaitSet.MaxSubscriptions, pinned: true);
    private readonly TpIpcSubscription?[] _entered = new TpIpcSubscription?[SubscriptionWaitSet.MaxSubscriptions];
    private ICombinableWaitSource[] _members = [];
    private uint _seen;
    private volatile bool _disposed;

    /// <summary>Sleep on all of <paramref name="sources"/> at once.</summary>
    /// <exception cref="ArgumentException">A source is not one of the library's (see the remarks).</exception>
    public CombinedWaitSource(params IWaitSource[] sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        foreach (IWaitSource source in sources)
        {
            Add(source);
        }
    }

    /// <summary>The sources slept on now (a snapshot).</summary>
    public IReadOnlyList<IWaitSource> Sources => Volatile.Read(ref _members);

    /// <summary>Sleep on <paramref name="source"/> too (a sleep in progress is woken to take it in); no-op when already a member.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not one of the library's.</exception>
    /// <exception cref="ObjectDisposedException">This source was disposed.</exception>
    public void Add(IWaitSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source is not ICombinableWaitSource member)
        {
            throw new ArgumentException(
                $"{source.GetType().Name} cannot be combined: use a consumer's WaitSource, a client's ConductorWaitSource or a SubscriptionWaitSet",
                nameof(source));
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (Array.IndexOf(_members, member) >= 0)
            {
                return;
            }
            member.WaitSet.Link(_doorbell);
            Volatile.Write(ref _members, [.. _members, member]);
        }
        Wake();
    }

    /// <summary>Stop sleeping on <paramref name="source"/>; false when it was not a member.</summary>
    public bool Remove(IWaitSource source)
    {
        lock (_gate)
        {
            int i = source is ICombinableWaitSource member ? Array.IndexOf(_members, member) : -1;
            if (i < 0)
            {
                return false;
            }
            RemoveAt(i);
        }
        Wake();
        return true;
    }

    /// <summary>
    /// Sleep until a member's stream has a message, a member or this source was woken since the last wait returned, a
    /// member's timer is due, or <paramref name="timeoutNs"/> passes (negative: no timeout of the caller's). May return
    /// early: run the duty cycle and wait again.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This source was disposed (it follows nothing any more).</exception>
    public void Wait(long timeoutNs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        uint rung = Volatile.Read(ref _doorbell[0]);
        if (rung != _seen)
        {
            _seen = rung; // woken since the last wait returned: the caller re-checks before sleeping
            return;
        }
        ICombinableWaitSource[] members = Volatile.Read(ref _members);
        for (int i = 0; i < members.Length; i++)
        {
            long due = members[i].TimeUntilDueNs();
            if (due == 0)
            {
                return; // a timer is due: run the duty cycle
            }
            if (due > 0 && (timeoutNs < 0 || due < timeoutNs))
            {
                timeoutNs = due;
            }
        }
        int count = 0;
        bool foreign = false;
        try
        {
            for (int i = 0; i < members.Length; i++)
            {
                count = members[i].WaitSet.EnterAll(_pointers, _entered, count, ref foreign);
            }
            SubscriptionWaitSet.Sleep(_pointers, count, _doorbell, rung, foreign, timeoutNs);
        }
        finally
        {
            SubscriptionWaitSet.ExitAll(_entered, count);
        }
    }

    /// <summary>End a sleep in progress, or the next one if none is (from any thread).</summary>
    public void Wake() => SubscriptionWaitSet.Ring(_doorbell);

    /// <summary>Leave every member (their wake-ups no longer reach this source) and wake a sleep in progress.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            while (_members.Length > 0)
            {
                RemoveAt(_members.Length - 1);
            }
        }
        Wake();
    }

    private void RemoveAt(int i)
    {
        _members[i].WaitSet.Unlink(_doorbell);
        Volatile.Write(ref _members, [.. _members.AsSpan(0, i), .. _members.AsSpan(i + 1)]);
    }
}
