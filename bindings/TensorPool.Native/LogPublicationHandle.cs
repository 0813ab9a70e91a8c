using System.ComponentModel;

namespace TensorPool.Native.Internal;

/// <summary>Owns a publication on a tp:ipc log (<c>tp_log_publication_t</c>), closed by <c>tp_log_publication_close</c>.</summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class LogPublicationHandle : LogChildHandle<TpLogPublication>
{
    /// <summary>Create a publication on <paramref name="log"/>; a negative result leaves <paramref name="handle"/> null.</summary>
    public static int TryCreate(LogHandle log, out LogPublicationHandle? handle) =>
        TryCreate(log, &Create, 0, out handle);

    private static int Create(TpLog* log, TpLogPublication** publication, long unused) =>
        NativeMethods.tp_log_publication_create(publication, log);

    protected override int CloseChild(TpLogPublication* pointer) => NativeMethods.tp_log_publication_close(pointer);
}
