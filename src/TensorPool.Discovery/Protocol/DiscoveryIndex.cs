using TensorPool.Discovery.Configuration;
using TensorPool.Sbe.Wire;

namespace TensorPool.Discovery.Protocol;

/// <summary>
/// The provider's soft state (discovery spec §6): one entry per (driver_instance_id, stream_id) (§6.1), derived from ShmPoolAnnounce (layout, epoch), DataSourceAnnounce (name) and
/// DataSourceMeta (tags, data_source_id) (§6.4). Entries expire when no announce came within the expiry (§6.2); the
/// newest epoch replaces older ones and an epoch going backwards is dropped unless the driver is known to have
/// restarted (§6.3): the announce came with another control endpoint for the same instance id, the driver's
/// ShmDriverShutdown removed its entries, or the entry had expired.
/// </summary>
/// <remarks>
/// Bad input is counted, never thrown: announces that break a rule results depend on (header_slot_bytes 256,
/// pool_nslots equal to header_nslots, at least one pool, region URIs present) never enter the index. Bounded by
/// <see cref="DiscoveryProviderOptions.MaxStreams"/>. A same-epoch announce that changes nothing allocates nothing.
/// Duty-cycle thread only.
/// </remarks>
internal sealed class DiscoveryIndex
{
    /// <summary>v1.x: header slots are 256 bytes (§5.2).</summary>
    public const ushort HeaderSlotBytes = 256;

    private readonly Dictionary<(string InstanceId, uint StreamId), IndexEntry> _entries = [];
    private readonly Dictionary<(string InstanceId, uint StreamId), byte[][]> _configuredTags = [];
    private readonly DiscoveryProviderCounters _counters;
    private readonly long _expiryNs;
    private readonly int _maxStreams;
    private readonly List<(string, uint)> _removals = [];

    public DiscoveryIndex(DiscoveryProviderOptions options, DiscoveryProviderCounters counters)
    {
        _counters = counters;
        _expiryNs = options.ExpiryNs;
        _maxStreams = options.MaxStreams;
    }

    public int Count => _entries.Count;

    public long ExpiryNs => _expiryNs;

    public Dictionary<(string InstanceId, uint StreamId), IndexEntry>.ValueCollection Entries => _entries.Values;

    /// <summary>True when the entry has a layout and its last announce is within the expiry (§6.2: expired is never returned).</summary>
    public bool IsLive(IndexEntry entry, long nowNs) => entry.HasLayout && nowNs - entry.LastAnnounceNs <= _expiryNs;

    /// <summary>Tags the configuration gives a stream of a driver (merged with the metadata's, §5.2 full set).</summary>
    public void ConfigureTags(string instanceId, uint streamId, byte[][] tags)
    {
        _configuredTags[(instanceId, streamId)] = tags;
        if (_entries.TryGetValue((instanceId, streamId), out IndexEntry? entry))
        {
            entry.ConfiguredTags = tags;
        }
    }

    /// <summary>§6.2–§6.4: a ShmPoolAnnounce of <paramref name="driver"/>.</summary>
    public void OnAnnounce(DriverIdentity driver, ReadOnlySpan<byte> message, long nowNs)
    {
        if (!ShmPoolAnnounceDecoder.TryWrap(message, out ShmPoolAnnounceDecoder a, out _) || !IsUsable(a))
        {
            _counters.InvalidAnnouncesCount++;
            return;
        }
        IndexEntry? entry = Find(driver, a.StreamId, nowNs);
        if (entry is null)
        {
            return;
        }
        if (!Equals(entry.Driver, driver))
        {
            // §6.3: the same instance id at another control endpoint: the driver restarted there; its epochs start over.
            entry.Driver = driver;
            entry.HasLayout = false;
        }
        if (entry.HasLayout && a.Epoch < entry.Epoch)
        {
            // §6.3: no restart is known (it would have moved, removed or expired the entry): the older epoch is stale.
            _counters.EpochRegressionsCount++;
            return;
        }
        if (!entry.HasLayout || a.Epoch > entry.Epoch || !SameLayout(entry, a))
        {
            CopyLayout(entry, a);
        }
        entry.ProducerId = a.ProducerId;
        entry.LastAnnounceNs = nowNs;
        entry.LastSeenNs = nowNs;
        _counters.AnnouncesCount++;
    }

    /// <summary>DataSourceAnnounce (§10.3.1): the name, byte for byte, and the meta_version of the epoch.</summary>
    public void OnDataSource(DriverIdentity driver, ReadOnlySpan<byte> message, long nowNs)
    {
        if (!DataSourceAnnounceDecoder.TryWrap(message, out DataSourceAnnounceDecoder d, out _) || d.StreamId == 0 ||
            d.Name.Length > DiscoveryProviderOptions.MaxNameBytes)
        {
            _counters.InvalidMetadataCount++;
            return;
        }
        IndexEntry? entry = Find(driver, d.StreamId, nowNs);
        if (entry is null)
        {
            return;
        }
        if (entry.HasLayout && d.Epoch < entry.Epoch)
        {
            _counters.StaleMetadataCount++; // an older producer's beacon
            return;
        }
        if (!d.Name.SequenceEqual(entry.Name))
        {
            entry.Name = d.Name.ToArray();
        }
        entry.NameEpoch = d.Epoch;
        entry.AnnouncedMetaVersion = d.MetaVersion;
        entry.HasAnnouncedMetaVersion = true;
        entry.LastSeenNs = nowNs;
        _counters.MetadataCount++;
    }

    /// <summary>DataSourceMeta (§10.3.2): the <c>tags</c> and <c>data_source_id</c> attributes (docs/DECISIONS.md D142).</summary>
    public void OnMeta(DriverIdentity driver, ReadOnlySpan<byte> message, long nowNs)
    {
        if (!DataSourceMetaDecoder.TryWrap(message, out DataSourceMetaDecoder m, out _) || m.StreamId == 0 ||
            !MetaAttributes.TryRead(m, out byte[][] tags, out ulong? dataSourceId))
        {
            _counters.InvalidMetadataCount++;
            return;
        }
        IndexEntry? entry = Find(driver, m.StreamId, nowNs);
        if (entry is null)
        {
            return;
        }
        entry.MetaTags = tags;
        entry.MetaDataSourceId = dataSourceId;
        entry.MetaVersion = m.MetaVersion;
        entry.HasMeta = true;
        entry.LastSeenNs = nowNs;
        _counters.MetadataCount++;
    }

    /// <summary>§6.3: the driver announced ShmDriverShutdown: a restart is known, its entries go.</summary>
    public int RemoveDriver(DriverIdentity driver)
    {
        _removals.Clear();
        foreach (((string id, uint s), IndexEntry e) in _entries)
        {
            if (id == driver.InstanceId && Equals(e.Driver, driver))
            {
                _removals.Add((id, s));
            }
        }
        foreach ((string, uint) key in _removals)
        {
            _entries.Remove(key);
        }
        return _removals.Count;
    }

    /// <summary>§6.2: remove entries with no announce (or, known only from metadata, nothing at all) within the expiry.</summary>
    public int Expire(long nowNs)
    {
        _removals.Clear();
        foreach ((var key, IndexEntry e) in _entries)
        {
            long last = e.HasLayout ? e.LastAnnounceNs : e.LastSeenNs;
            if (nowNs - last > _expiryNs)
            {
                _removals.Add(key);
            }
        }
        foreach ((string, uint) key in _removals)
        {
            _entries.Remove(key);
        }
        _counters.ExpiredCount += _removals.Count;
        return _removals.Count;
    }

    private IndexEntry? Find(DriverIdentity driver, uint streamId, long nowNs)
    {
        if (_entries.TryGetValue((driver.InstanceId, streamId), out IndexEntry? entry))
        {
            long last = entry.HasLayout ? entry.LastAnnounceNs : entry.LastSeenNs;
            if (nowNs - last <= _expiryNs)
            {
                return entry;
            }
            // Expired but not yet swept: what it held is gone (§6.2), and a lower epoch is a restart (§6.3).
            _entries.Remove((driver.InstanceId, streamId));
            _counters.ExpiredCount++;
        }
        if (_entries.Count >= _maxStreams)
        {
            _counters.OverflowedCount++;
            return null;
        }
        entry = new IndexEntry(driver, streamId) { LastSeenNs = nowNs };
        if (_configuredTags.TryGetValue((driver.InstanceId, streamId), out byte[][]? tags))
        {
            entry.ConfiguredTags = tags;
        }
        _entries.Add((driver.InstanceId, streamId), entry);
        return entry;
    }

    /// <summary>What a result needs and §5.2 requires: 256-byte slots, at least one pool, pool_nslots == header_nslots, URIs.</summary>
    private static bool IsUsable(in ShmPoolAnnounceDecoder a)
    {
        if (a.StreamId == 0 || a.HeaderSlotBytes != HeaderSlotBytes || a.HeaderNslots == 0 || a.HeaderRegionUri.Length == 0 ||
            a.PayloadPools.Count == 0)
        {
            return false;
        }
        foreach (ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool in a.PayloadPools)
        {
            if (pool.PoolNslots != a.HeaderNslots || pool.RegionUri.Length == 0)
            {
                return false;
            }
        }
        return true;
    }

    private static bool SameLayout(IndexEntry e, in ShmPoolAnnounceDecoder a)
    {
        if (e.LayoutVersion != a.LayoutVersion || e.HeaderNslots != a.HeaderNslots || e.HeaderSlotBytes != a.HeaderSlotBytes ||
            !a.HeaderRegionUri.SequenceEqual(e.HeaderRegionUri) || e.Pools.Length != a.PayloadPools.Count)
        {
            return false;
        }
        int i = 0;
        foreach (ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool in a.PayloadPools)
        {
            IndexedPool p = e.Pools[i++];
            if (p.PoolId != pool.PoolId || p.PoolNslots != pool.PoolNslots || p.StrideBytes != pool.StrideBytes ||
                !pool.RegionUri.SequenceEqual(p.RegionUri))
            {
                return false;
            }
        }
        return true;
    }

    private static void CopyLayout(IndexEntry e, in ShmPoolAnnounceDecoder a)
    {
        e.HasLayout = true;
        e.Epoch = a.Epoch;
        e.LayoutVersion = a.LayoutVersion;
        e.HeaderNslots = a.HeaderNslots;
        e.HeaderSlotBytes = a.HeaderSlotBytes;
        e.HeaderRegionUri = a.HeaderRegionUri.ToArray();
        var pools = new IndexedPool[a.PayloadPools.Count];
        int i = 0;
        foreach (ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool in a.PayloadPools)
        {
            pools[i++] = new IndexedPool(pool.PoolId, pool.PoolNslots, pool.StrideBytes, pool.RegionUri.ToArray());
        }
        e.Pools = pools;
    }
}
