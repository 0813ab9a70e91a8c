namespace TensorPool.Discovery.Protocol;

/// <summary>A payload pool of an indexed stream, as its ShmPoolAnnounce gave it (informational, §5.2).</summary>
internal sealed record IndexedPool(ushort PoolId, uint PoolNslots, uint StrideBytes, byte[] RegionUri);
