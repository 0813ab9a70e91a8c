using TensorPool.DriverClient;

namespace TensorPool.Producers;

/// <summary>
/// Follows a producer's lease (driver spec §4.9, §7): when the lease is lost the producer stops using its regions and
/// drops frames; when the connection reattaches, the new grant (a new epoch) is mapped here, on the conductor thread,
/// and the producer switches to it at its next claim. The producer's thread only reads <see cref="Current"/> (one
/// volatile read per claim); mapping, unmapping and the lease are never on its hot path.
/// </summary>
internal sealed class DriverProducerLink : IDriverLeaseListener, IDisposable
{
    private readonly DriverRegionProvider _provider;
    private readonly object _gate = new();
    private readonly List<ProducerAttachment> _created = [];
    private volatile ProducerAttachment? _current;
    private DriverLease? _lease;
    private bool _disposed;
    private long _losses;
    private long _regrants;
    private long _mapFailures;

    public DriverProducerLink(DriverRegionProvider provider) => _provider = provider;

    /// <summary>The regions to produce into: null while no lease is held (frames are dropped).</summary>
    public ProducerAttachment? Current => _current;

    public DriverLease? Lease => _lease;

    public long Losses => Interlocked.Read(ref _losses);

    public long Regrants => Interlocked.Read(ref _regrants);

    /// <summary>Re-grants whose regions failed the checks (the lease is then given up: the producer stays without one).</summary>
    public long MapFailures => Interlocked.Read(ref _mapFailures);

    public string? LastError { get; private set; }

    /// <summary>The first grant, mapped by the provider on the caller's thread.</summary>
    public void Start(DriverLease lease, ProducerAttachment first)
    {
        lock (_gate)
        {
            _lease = lease;
            _created.Add(first);
            _current = first;
        }
    }

    public void OnAttached(DriverLease lease, LeaseGrant grant)
    {
        lock (_gate)
        {
            if (_lease is null || _disposed)
            {
                return; // the first grant: the provider maps it
            }
        }
        ProducerAttachment next;
        try
        {
            next = _provider.Map(grant, this);
        }
        catch (Exception e)
        {
            // §4.7a spirit: regions that do not check out are never used; give the lease back.
            Interlocked.Increment(ref _mapFailures);
            LastError = e.Message;
            lease.Dispose();
            return;
        }
        lock (_gate)
        {
            if (_disposed)
            {
                next.Dispose();
                return;
            }
            _created.Add(next);
        }
        Interlocked.Increment(ref _regrants);
        _current = next;
    }

    public void OnLost(DriverLease lease, LeaseLossReason reason, string detail)
    {
        // §4.9: stop using the mapped regions at once; frames claimed from now on are dropped until the re-grant.
        _current = null;
        Interlocked.Increment(ref _losses);
        LastError = $"{reason}: {detail}";
    }

    public void OnProducerRevoked(DriverLease lease, ulong producerLeaseId)
    {
        // Only consumer leases hear of producer revocations.
    }

    public void OnEpochWaitTimedOut(DriverLease lease)
    {
    }

    /// <summary>The producer switched to <paramref name="inUse"/>: unmap every other attachment (none is used any more).</summary>
    public void ReleaseAllBut(ProducerAttachment inUse)
    {
        lock (_gate)
        {
            for (int i = _created.Count - 1; i >= 0; i--)
            {
                if (!ReferenceEquals(_created[i], inUse))
                {
                    _created[i].Dispose();
                    _created.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Detach the lease (best effort, §4.9) and unmap every attachment.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _current = null;
            foreach (ProducerAttachment a in _created)
            {
                a.Dispose();
            }
            _created.Clear();
        }
        _lease?.Dispose();
    }
}
