using System.ComponentModel;

namespace TensorPool.Native.Internal;

/// <summary>Owns a read-only view of a file (<c>tp_file_view_t</c>, file_view.h); closing unmaps it (<c>tp_file_view_close</c>).</summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class FileViewHandle : NativeHandle<TpFileView>
{
    protected override int Close(TpFileView* pointer) => NativeMethods.tp_file_view_close(pointer);
}
