using System.ComponentModel;

namespace TensorPool.Native.Internal;

/// <summary>
/// A native object that lives inside an open log (a publication or a subscription). It holds a reference on its
/// <see cref="LogHandle"/> from creation to close, so the log cannot be unmapped under it (<c>tp_log_close</c> would
/// fail with <c>TP_LOG_ERR_IN_USE</c>, and a finalizer running first would leak the mapping).
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract unsafe class LogChildHandle<T> : NativeHandle<T>
    where T : unmanaged
{
    private LogHandle? _log;

    /// <summary>The log this object belongs to.</summary>
    public LogHandle Log => _log ?? throw new ObjectDisposedException(GetType().Name);

    /// <summary>
    /// Creates the native object with <paramref name="create"/> (given the log, the out-pointer and
    /// <paramref name="argument"/>) while holding a reference on <paramref name="log"/>. Returns the native result:
    /// on failure (negative) <paramref name="handle"/> is null, the log reference is dropped again and the thread's
    /// <c>tp_errmsg()</c> describes the failure (read it before any other native call).
    /// </summary>
    protected static int TryCreate<THandle>(LogHandle log, delegate*<TpLog*, T**, long, int> create, long argument,
        out THandle? handle)
        where THandle : LogChildHandle<T>, new()
    {
        handle = null;
        bool added = false;
        log.DangerousAddRef(ref added); // throws ObjectDisposedException once the log is closed
        T* raw = null;
        int rc;
        try
        {
            rc = create((TpLog*)log.DangerousGetHandle(), &raw, argument);
        }
        catch
        {
            log.DangerousRelease();
            throw;
        }
        if (rc < 0)
        {
            log.DangerousRelease();
            return rc;
        }
        var created = new THandle();
        ((LogChildHandle<T>)created)._log = log; // the reference taken above now belongs to the handle
        created.Adopt(raw);
        handle = created;
        return rc;
    }

    protected sealed override int Close(T* pointer)
    {
        int rc = CloseChild(pointer);
        // After the child: the log may be unmapped by this release when its owner already let it go.
        _log?.DangerousRelease();
        return rc;
    }

    /// <summary>The object's own <c>tp_log_&lt;noun&gt;_close</c>.</summary>
    protected abstract int CloseChild(T* pointer);
}
