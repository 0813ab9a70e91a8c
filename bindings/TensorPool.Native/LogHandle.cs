using System.ComponentModel;

namespace TensorPool.Native.Internal;

/// <summary>
/// Owns an open tp:ipc log (<c>tp_log_t</c>, log.h); closing unmaps it (<c>tp_log_close</c>). Publications and
/// subscriptions of the log hold a reference on this handle (<see cref="LogPublicationHandle"/>,
/// <see cref="LogSubscriptionHandle"/>), so the log is unmapped only after the last of them is closed, whatever
/// order the owners dispose (or finalize) them in.
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class LogHandle : NativeHandle<TpLog>
{
    protected override int Close(TpLog* pointer) => NativeMethods.tp_log_close(pointer);
}
