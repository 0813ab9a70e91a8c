namespace TensorPool.Driver.Leases;

/// <summary>
/// The active leases of a driver instance (driver spec §4.1, §4.8): by lease id and by client id. Lease ids start at
/// a random point and only grow, so an id is never reused by this instance and ids from an earlier run of the driver
/// (§4.8: not stable across restarts) are very unlikely to meet this run's.
/// </summary>
internal sealed class LeaseTable
{
    private readonly Dictionary<ulong, Lease> _byId = [];
    private readonly Dictionary<uint, Lease> _byClient = [];
    private readonly List<Lease> _expired = [];
    private readonly ulong _firstId;
    private ulong _nextId;
    private long _nextExpiryNs = long.MaxValue;

    public LeaseTable(ulong firstId)
    {
        // Ids stay well away from 0 and the SBE null value (u64 max): a run would need 2^62 leases to get there.
        _firstId = Math.Clamp(firstId, 1, 1UL << 62);
        _nextId = _firstId;
    }

    public int Count => _byId.Count;

    public IEnumerable<Lease> All => _byId.Values;

    /// <summary>A fresh lease id, never returned before by this table.</summary>
    public ulong NextLeaseId() => _nextId++;

    /// <summary>Whether this instance issued <paramref name="leaseId"/> (active or since invalidated).</summary>
    public bool WasIssued(ulong leaseId) => leaseId >= _firstId && leaseId < _nextId;

    public void Add(Lease lease)
    {
        _byId.Add(lease.LeaseId, lease);
        _byClient.Add(lease.ClientId, lease);
        _nextExpiryNs = Math.Min(_nextExpiryNs, lease.ExpiryNs);
    }

    public void Remove(Lease lease)
    {
        _byId.Remove(lease.LeaseId);
        _byClient.Remove(lease.ClientId);
    }

    public bool TryGet(ulong leaseId, out Lease lease) => _byId.TryGetValue(leaseId, out lease!);

    public bool TryGetByClient(uint clientId, out Lease lease) => _byClient.TryGetValue(clientId, out lease!);

    /// <summary>
    /// The leases whose expiry passed at <paramref name="nowNs"/> (§4.4), in a list reused between calls. The table is
    /// scanned only when the earliest known expiry has passed, so keepalives cost nothing here.
    /// </summary>
    public List<Lease> Expired(long nowNs)
    {
        _expired.Clear();
        if (nowNs < _nextExpiryNs)
        {
            return _expired;
        }
        long next = long.MaxValue;
        foreach (Lease lease in _byId.Values)
        {
            if (lease.ExpiryNs <= nowNs)
            {
                _expired.Add(lease);
            }
            else
            {
                next = Math.Min(next, lease.ExpiryNs);
            }
        }
        _nextExpiryNs = next;
        return _expired;
    }
}
