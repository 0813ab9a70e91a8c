using System.ComponentModel;

namespace TensorPool.Native.Internal;

/// <summary>Owns a mapped or created SHM region (<c>tp_region_t</c>); closing unmaps it (<c>tp_region_close</c>).</summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class RegionHandle : NativeHandle<TpRegion>
{
    protected override int Close(TpRegion* pointer) => NativeMethods.tp_region_close(pointer);
}
