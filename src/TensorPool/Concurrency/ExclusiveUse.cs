using System.Runtime.InteropServices;

namespace TensorPool.Concurrency;

/// <summary>
/// Guards the hot-path use of a <see cref="SafeHandle"/> (or any resource released by one <see cref="IDisposable"/>) by
/// the one thread its owner allows at a time (a publication's offers, a subscription's or a consumer's polls) without
/// the two locked instructions of a <see cref="SafeHandle.DangerousAddRef"/> lease, while <see cref="Close"/> may still
/// come from any thread, or from inside the use itself (a handler disposing its subscription): the handle is disposed
/// only once no use is in progress.
/// </summary>
/// <remarks>
/// An asymmetric Dekker handshake: the user publishes "in use" and then reads "closed" with plain volatile accesses;
/// <see cref="Close"/> publishes "closed", runs <see cref="Interlocked.MemoryBarrierProcessWide"/> (membarrier on
/// Linux), then reads "in use". The process-wide barrier orders the user's store before its load as seen by the
/// closer, so either the user sees "closed" and backs out, or the closer sees "in use" and leaves the disposal to the
/// user's <see cref="Exit"/>; whichever side disposes wins one compare-and-swap, so the handle is disposed once. Only
/// the rare close pays a barrier. Two threads using the same guard at once break the handshake: owners document
/// single-threaded use, as they must anyway for the native object.
/// A mutable struct: keep it in a field and call it on the field.
/// </remarks>
internal struct ExclusiveUse
{
    private int _inUse;
    private int _closed;
    private int _disposed;

    /// <summary>True once <see cref="Close"/> was called (the handle may still be in its last use).</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Start a use. False when closed: nothing to <see cref="Exit"/> then.</summary>
    public bool TryEnter(IDisposable handle)
    {
        Volatile.Write(ref _inUse, 1);
        // The JIT keeps volatile accesses in program order; the CPU's store-load reordering is what Close's barrier covers.
        if (Volatile.Read(ref _closed) == 0)
        {
            return true;
        }
        Exit(handle);
        return false;
    }

    /// <summary>End the use <see cref="TryEnter"/> started; disposes the handle when a close came meanwhile.</summary>
    public void Exit(IDisposable handle)
    {
        Volatile.Write(ref _inUse, 0);
        if (Volatile.Read(ref _closed) != 0)
        {
            DisposeOnce(handle);
        }
    }

    /// <summary>
    /// Close from any thread: the handle is disposed now when no use is in progress, otherwise when that use exits.
    /// Returns false when already closed.
    /// </summary>
    public bool Close(IDisposable handle)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return false;
        }
        Interlocked.MemoryBarrierProcessWide();
        if (Volatile.Read(ref _inUse) == 0)
        {
            DisposeOnce(handle);
        }
        return true;
    }

    private void DisposeOnce(IDisposable handle)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            handle.Dispose();
        }
    }
}
