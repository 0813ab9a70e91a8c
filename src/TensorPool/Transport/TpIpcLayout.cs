using System.Runtime.InteropServices;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Transport;

/// <summary>
/// Where tp:ipc logs live, computed by the core's layout helpers (path.h):
/// <c>&lt;base dir&gt;/tensorpool-&lt;user&gt;/&lt;name&gt;/ipc/&lt;stream id&gt;.log</c>, the stream id printed as
/// the unsigned 32-bit value of the spec's <c>streamId</c> (docs/DECISIONS.md, "tp:ipc log paths").
/// </summary>
internal static unsafe class TpIpcLayout
{
    /// <summary>Null when the core accepts <paramref name="baseDir"/> as a layout base dir, else its reason.</summary>
    public static string? CheckBaseDir(string baseDir)
    {
        byte* buffer = stackalloc byte[TpUriConstants.ShmPathMax];
        // A fixed user and namespace: only the base dir can be refused here.
        int rc = NativeMethods.tp_shm_namespace_dir(buffer, TpUriConstants.ShmPathMax, baseDir, "user", "name");
        return rc >= 0 ? null : NativeError.Create(rc, "checking the base dir").Message;
    }

    /// <summary>The canonical log path of (<paramref name="name"/>, <paramref name="streamId"/>); throws when the core refuses the inputs.</summary>
    public static string LogPath(string baseDir, string? user, string name, int streamId)
    {
        byte* buffer = stackalloc byte[TpUriConstants.ShmPathMax];
        int rc = NativeMethods.tp_shm_ipc_log_path(buffer, TpUriConstants.ShmPathMax, baseDir, user!, name, unchecked((uint)streamId));
        NativeError.Check(rc, $"computing the tp:ipc log path of name '{name}', stream {streamId}");
        return Marshal.PtrToStringUTF8((nint)buffer, rc);
    }
}
