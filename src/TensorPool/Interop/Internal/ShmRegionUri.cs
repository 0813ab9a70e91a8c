using System.ComponentModel;
using TensorPool.Native.Internal;

namespace TensorPool.Interop.Internal;

/// <summary>
/// The shm:file URI announced for a region created by this process — by a producer that owns its regions or by the
/// driver (driver spec §3): its canonical path and whether it is hugetlbfs-backed, i.e. require_hugepages as created
/// (wire spec §15.22). Formatted by the native core, never re-implemented here.
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class ShmRegionUri
{
    public static byte[] Of(RegionHandle region)
    {
        using NativeHandleLease<TpRegion> lease = region.Lease();
        string path = NativeMethods.tp_region_path_string(lease.Pointer) ?? throw new InvalidOperationException("a created region has no path");
        uint huge = NativeMethods.tp_region_is_hugetlbfs(lease.Pointer);
        byte* buffer = stackalloc byte[TpUriConstants.ShmUriMaxLength + 1];
        int length = NativeError.Check(NativeMethods.tp_shm_uri_format(buffer, TpUriConstants.ShmUriMaxLength + 1, path, huge),
            $"formatting the URI of {path}");
        return new ReadOnlySpan<byte>(buffer, length).ToArray();
    }
}
