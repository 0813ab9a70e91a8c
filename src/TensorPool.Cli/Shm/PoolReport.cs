namespace TensorPool.Cli.Shm;

/// <summary>A payload pool a header ring's slots refer to, looked for beside the ring as &lt;pool_id&gt;.pool (§15.21a.3).</summary>
internal sealed record PoolReport
{
    public required ushort PoolId { get; init; }

    public required string Path { get; init; }

    /// <summary>"mapped" (its rules were checked), "missing" or "rejected".</summary>
    public required string Status { get; init; }

    /// <summary>Why it is missing or rejected.</summary>
    public string? Reason { get; init; }

    public uint Nslots { get; init; }

    public uint StrideBytes { get; init; }
}
