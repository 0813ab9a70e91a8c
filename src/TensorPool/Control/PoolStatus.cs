namespace TensorPool.Control;

/// <summary>One payload pool of an announce (§10.1.1).</summary>
public readonly record struct PoolStatus(ushort PoolId, uint Nslots, uint StrideBytes);
