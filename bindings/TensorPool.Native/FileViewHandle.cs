namespace TensorPool.Native;

/// <summary>Owns a read-only view of a file (<c>tp_file_view_t</c>, file_view.h); closing unmaps it (<c>tp_file_view_close</c>).</summary>
internal sealed unsafe class FileViewHandle : NativeHandle<TpFileView>
{
    protected override int Close(TpFileView* pointer) => NativeMethods.tp_file_view_close(pointer);
}
