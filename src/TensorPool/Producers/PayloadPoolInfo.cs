namespace TensorPool.Producers;

/// <summary>A payload pool as the producer created and announced it (§9, §10.1.1).</summary>
/// <param name="PoolId">The announced pool id.</param>
/// <param name="StrideBytes">Bytes between payload slots: the largest frame the pool holds.</param>
/// <param name="Nslots">Slots, equal to the header ring's (§15.5).</param>
/// <param name="RegionUri">The shm:file URI consumers map.</param>
public sealed record PayloadPoolInfo(ushort PoolId, uint StrideBytes, uint Nslots, string RegionUri);
