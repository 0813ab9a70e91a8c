using System.Runtime.InteropServices;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Driver.Shm;

/// <summary>The canonical layout (wire spec §15.21a.3), always computed by the native core, never re-implemented here.</summary>
internal static unsafe class ShmPaths
{
    private delegate int Writer(byte* output, uint capacity);

    /// <summary><c>&lt;base&gt;/tensorpool-&lt;user&gt;/&lt;namespace&gt;</c>.</summary>
    public static string NamespaceDir(ShmPolicy p) =>
        Build((o, c) => NativeMethods.tp_shm_namespace_dir(o, c, p.BaseDir, null!, p.Namespace), "namespace directory");

    /// <summary><c>&lt;namespace dir&gt;/&lt;stream&gt;/&lt;epoch&gt;</c>.</summary>
    public static string EpochDir(ShmPolicy p, uint streamId, ulong epoch) =>
        Build((o, c) => NativeMethods.tp_shm_epoch_dir(o, c, p.BaseDir, null!, p.Namespace, streamId, epoch), "epoch directory");

    public static string HeaderRingPath(ShmPolicy p, uint streamId, ulong epoch) =>
        Build((o, c) => NativeMethods.tp_shm_header_ring_path(o, c, p.BaseDir, null!, p.Namespace, streamId, epoch), "header ring path");

    public static string PoolPath(ShmPolicy p, uint streamId, ulong epoch, ushort poolId) =>
        Build((o, c) => NativeMethods.tp_shm_pool_path(o, c, p.BaseDir, null!, p.Namespace, streamId, epoch, poolId), "pool path");

    private static string Build(Writer writer, string what)
    {
        byte* buffer = stackalloc byte[TpUriConstants.ShmPathMax];
        int length = NativeError.Check(writer(buffer, TpUriConstants.ShmPathMax), "building the " + what);
        return Marshal.PtrToStringUTF8((nint)buffer, length);
    }
}
