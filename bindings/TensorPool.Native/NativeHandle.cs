using System.ComponentModel;
using System.Runtime.InteropServices;

namespace TensorPool.Native.Internal;

/// <summary>
/// A <see cref="SafeHandle"/> owning one libtensorpool object of opaque type <typeparamref name="T"/> (for example
/// <c>TpRegion</c>), released exactly once by its <c>tp_&lt;noun&gt;_close</c> function: on <see cref="SafeHandle.Dispose()"/>,
/// or by the finalizer if the owner forgot. A concrete handle only names the close function:
/// <code>
/// public sealed unsafe class RegionHandle : NativeHandle&lt;TpRegion&gt;
/// {
///     protected override int Close(TpRegion* region) => NativeMethods.tp_region_close(region);
/// }
/// </code>
/// Native calls take the pointer through <see cref="Lease"/>, which keeps the object alive for the call even if
/// another thread disposes the handle meanwhile (the close then runs when the lease ends).
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract unsafe class NativeHandle<T> : SafeHandle
    where T : unmanaged
{
    protected NativeHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Takes ownership of an object the library created (the out-parameter of <c>tp_&lt;noun&gt;_create</c>/<c>_map</c>).
    /// A null pointer leaves the handle invalid; a handle owns at most one object.
    /// </summary>
    public void Adopt(T* pointer)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (!IsInvalid)
        {
            throw new InvalidOperationException($"{GetType().Name} already owns a native object");
        }
        SetHandle((nint)pointer);
    }

    /// <summary>
    /// Borrows the pointer for native calls: <c>using var lease = handle.Lease(); NativeMethods.f(lease.Pointer);</c>.
    /// Throws <see cref="ObjectDisposedException"/> once the handle is closed or invalid.
    /// </summary>
    public NativeHandleLease<T> Lease()
    {
        if (IsInvalid)
        {
            throw new ObjectDisposedException(GetType().Name, "the handle owns no native object");
        }
        bool added = false;
        DangerousAddRef(ref added); // throws ObjectDisposedException when already closed
        return new NativeHandleLease<T>(this, (T*)handle);
    }

    /// <summary>The result of the close function when the handle was released (0 before that).</summary>
    public int CloseResult { get; private set; }

    protected sealed override bool ReleaseHandle()
    {
        CloseResult = Close((T*)handle);
        // Releasing may run on the finalizer thread: never throw; a failed close is reported through CloseResult.
        return CloseResult >= 0;
    }

    /// <summary>The object's <c>tp_&lt;noun&gt;_close</c>; returns 0 or a negative tp_error_t.</summary>
    protected abstract int Close(T* pointer);
}
