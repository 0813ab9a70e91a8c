namespace TensorPool.Native;

/// <summary>Owns a mapped or created SHM region (<c>tp_region_t</c>); closing unmaps it (<c>tp_region_close</c>).</summary>
internal sealed unsafe class RegionHandle : NativeHandle<TpRegion>
{
    protected override int Close(TpRegion* pointer) => NativeMethods.tp_region_close(pointer);
}
