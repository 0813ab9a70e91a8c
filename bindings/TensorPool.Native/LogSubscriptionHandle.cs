using System.ComponentModel;

namespace TensorPool.Native.Internal;

/// <summary>Owns a subscription on a tp:ipc log (<c>tp_log_subscription_t</c>), closed by <c>tp_log_subscription_close</c>.</summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class LogSubscriptionHandle : LogChildHandle<TpLogSubscription>
{
    /// <summary>
    /// Join <paramref name="log"/> at its live tail with the given stall timeout (0: the library default); a negative
    /// result leaves <paramref name="handle"/> null.
    /// </summary>
    public static int TryCreate(LogHandle log, long stallTimeoutNs, out LogSubscriptionHandle? handle) =>
        TryCreate(log, &Create, stallTimeoutNs, out handle);

    private static int Create(TpLog* log, TpLogSubscription** subscription, long stallTimeoutNs) =>
        NativeMethods.tp_log_subscription_create(subscription, log, stallTimeoutNs);

    protected override int CloseChild(TpLogSubscription* pointer) => NativeMethods.tp_log_subscription_close(pointer);
}
