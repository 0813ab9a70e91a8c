namespace TensorPool.DriverClient;

/// <summary>One payload pool of a <see cref="LeaseGrant"/>: its id, slot count, stride and shm:file URI (ASCII bytes).</summary>
public sealed record GrantedPool(ushort PoolId, uint PoolNslots, uint StrideBytes, byte[] RegionUri);
