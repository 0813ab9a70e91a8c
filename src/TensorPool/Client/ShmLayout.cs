using System.Runtime.InteropServices;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Client;

/// <summary>Where a deployment's shared memory lives in the canonical layout (wire spec §15.21a.3).</summary>
public static unsafe class ShmLayout
{
    /// <summary>
    /// <c>&lt;baseDir&gt;/tensorpool-&lt;user&gt;/&lt;nameSpace&gt;</c>: every region (under
    /// <c>&lt;stream&gt;/&lt;epoch&gt;/</c>) and tp:ipc log of the namespace. <paramref name="user"/> null is the effective
    /// user; it is sanitised as the native core does.
    /// </summary>
    public static string NamespaceDirectory(string baseDir, string nameSpace, string? user = null)
    {
        byte* buffer = stackalloc byte[TpUriConstants.ShmPathMax];
        int length = NativeError.Check(NativeMethods.tp_shm_namespace_dir(buffer, TpUriConstants.ShmPathMax, baseDir, user!, nameSpace),
            "building the namespace directory");
        return Marshal.PtrToStringUTF8((nint)buffer, length);
    }
}
