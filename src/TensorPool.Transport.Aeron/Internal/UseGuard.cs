namespace TensorPool.Transport.Aeron.Internal;

/// <summary>
/// Lets one thread use a native Aeron object (offers, polls) with plain volatile accesses while another thread may
/// replace it (after a reconnect) or close it: the other thread publishes its change, then <see cref="AwaitQuiescence"/>
/// waits until any use that may still hold the old object has ended. Uses started after the change see it.
/// </summary>
/// <remarks>
/// An asymmetric Dekker handshake: the user writes "in use" and then reads the object; the changer writes the object,
/// runs <see cref="Interlocked.MemoryBarrierProcessWide"/> (membarrier on Linux) and reads "in use". Either the user
/// sees the change, or the changer sees the use and waits for its count to move. Only the rare change pays the barrier;
/// the hot path has no locked instruction. One user thread at a time, as the owners document.
/// A mutable struct: keep it in a field and call it on the field.
/// </remarks>
internal struct UseGuard
{
    private int _inUse;
    private long _uses;
    private int _closed;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Start a use; false when closed (nothing to <see cref="Exit"/> then).</summary>
    public bool TryEnter()
    {
        Volatile.Write(ref _inUse, 1);
        if (Volatile.Read(ref _closed) == 0)
        {
            return true;
        }
        Volatile.Write(ref _inUse, 0);
        return false;
    }

    /// <summary>End the use <see cref="TryEnter"/> started.</summary>
    public void Exit()
    {
        Volatile.Write(ref _uses, _uses + 1);
        Volatile.Write(ref _inUse, 0);
    }

    /// <summary>Mark closed (new uses fail); returns false when it already was.</summary>
    public bool Close() => Interlocked.Exchange(ref _closed, 1) == 0;

    /// <summary>
    /// After publishing a change (a new object, or <see cref="Close"/>), wait until no use that started before it is
    /// still running. Never call from the using thread while it is inside a use.
    /// </summary>
    public void AwaitQuiescence()
    {
        Interlocked.MemoryBarrierProcessWide();
        if (Volatile.Read(ref _inUse) == 0)
        {
            return;
        }
        long uses = Volatile.Read(ref _uses);
        var spin = new SpinWait();
        while (Volatile.Read(ref _inUse) != 0 && Volatile.Read(ref _uses) == uses)
        {
            spin.SpinOnce(sleep1Threshold: 50);
        }
    }
}
