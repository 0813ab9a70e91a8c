namespace TensorPool.Producers;

/// <summary>
/// One payload pool size class (wire spec §9): every pool has the header ring's slot count (§15.5), so its size is
/// <c>64 + nslots × StrideBytes</c>.
/// </summary>
/// <param name="PoolId">The pool's id in announces and slot headers; unique among a producer's pools.</param>
/// <param name="StrideBytes">Bytes between payload slots: the largest frame the pool holds; a positive multiple of 64 (§15.22).</param>
public sealed record PayloadPoolOptions(ushort PoolId, uint StrideBytes);
