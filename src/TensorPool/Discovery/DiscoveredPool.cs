namespace TensorPool.Discovery;

/// <summary>A payload pool of a discovered stream (informational, discovery spec §5.2: never mapped from here).</summary>
public sealed record DiscoveredPool(ushort PoolId, uint PoolNslots, uint StrideBytes, string RegionUri);
