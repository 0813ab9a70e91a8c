namespace TensorPool.Driver.Leases;

/// <summary>
/// TraceLink node ids handed out with leases (driver spec §4.2, TraceLink §6.2): unique among active leases, and a
/// released id rests for <c>policies.node_id_reuse_cooldown_ms</c> before it is given again. Automatic ids come from
/// 1..1023, the node-id space of Agrona's default Snowflake layout (10 bits); a client may ask for any id.
/// </summary>
internal sealed class NodeIdAllocator
{
    /// <summary>The largest automatically assigned id (10 node bits).</summary>
    public const uint MaxAutomaticId = 1023;

    private readonly HashSet<uint> _inUse = [];
    private readonly Dictionary<uint, long> _coolingUntil = [];
    private readonly long _cooldownNs;
    private uint _cursor;

    public NodeIdAllocator(long cooldownNs, uint start)
    {
        _cooldownNs = cooldownNs;
        _cursor = start % MaxAutomaticId;
    }

    public int InUse => _inUse.Count;

    /// <summary>Whether <paramref name="id"/> may be granted now (not active, not cooling down).</summary>
    public bool IsAvailable(uint id, long nowNs) =>
        !_inUse.Contains(id) && !(_coolingUntil.TryGetValue(id, out long until) && until > nowNs);

    public void Take(uint id) => _inUse.Add(id);

    /// <summary>An automatic id, or null when all 1023 are active or cooling down (the lease then carries no node id).</summary>
    public uint? TryAllocate(long nowNs)
    {
        for (uint i = 0; i < MaxAutomaticId; i++)
        {
            uint id = (_cursor + i) % MaxAutomaticId + 1;
            if (IsAvailable(id, nowNs))
            {
                _cursor = id % MaxAutomaticId;
                _inUse.Add(id);
                return id;
            }
        }
        return null;
    }

    public void Release(uint id, long nowNs)
    {
        if (_inUse.Remove(id) && _cooldownNs > 0)
        {
            _coolingUntil[id] = nowNs + _cooldownNs;
            if (_coolingUntil.Count > 4 * MaxAutomaticId)
            {
                // Bounded: forget ids whose rest is over (requested ids may come from the whole u32 space).
                foreach (uint done in _coolingUntil.Where(kv => kv.Value <= nowNs).Select(kv => kv.Key).ToList())
                {
                    _coolingUntil.Remove(done);
                }
            }
        }
    }
}
