namespace TensorPool.Cli.Shm;

/// <summary>
/// The slots of a region as the native core places them: header slots at 64 + i × 256 (§8.1), payload slots
/// at 64 + i × stride_bytes (§9).
/// </summary>
internal sealed record RegionGeometry(uint Nslots, uint SlotStrideBytes, ulong FirstSlotOffset, ulong LastSlotOffset, ulong RegionBytes);
