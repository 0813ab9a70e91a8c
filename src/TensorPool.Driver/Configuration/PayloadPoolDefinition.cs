namespace TensorPool.Driver.Configuration;

/// <summary>One payload pool of a profile: <c>profiles.&lt;name&gt;.payload_pools[] = { pool_id, stride_bytes }</c> (§17).</summary>
public sealed record PayloadPoolDefinition(ushort PoolId, uint StrideBytes);
