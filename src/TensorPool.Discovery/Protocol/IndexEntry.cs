using TensorPool.Discovery.Configuration;

namespace TensorPool.Discovery.Protocol;

/// <summary>
/// One stream of one driver in the index (§6.1: keyed by driver_instance_id and stream_id): the layout of its newest
/// epoch from ShmPoolAnnounce, its name from DataSourceAnnounce and its tags and data_source_id from DataSourceMeta and
/// the configuration (§6.4). Owned by the provider's duty-cycle thread.
/// </summary>
internal sealed class IndexEntry
{
    public IndexEntry(DriverIdentity driver, uint streamId)
    {
        Driver = driver;
        StreamId = streamId;
    }

    /// <summary>The authority the stream's announces came from (§5.2); replaced when the driver restarted elsewhere (§6.3).</summary>
    public DriverIdentity Driver { get; set; }

    public uint StreamId { get; }

    /// <summary>False until a valid ShmPoolAnnounce arrived: an entry known only from metadata is never returned.</summary>
    public bool HasLayout { get; set; }

    public uint ProducerId { get; set; }

    public ulong Epoch { get; set; }

    public uint LayoutVersion { get; set; }

    public uint HeaderNslots { get; set; }

    public ushort HeaderSlotBytes { get; set; }

    public byte[] HeaderRegionUri { get; set; } = [];

    public IndexedPool[] Pools { get; set; } = [];

    /// <summary>When the last ShmPoolAnnounce arrived (provider clock); expiry is measured from it (§6.2).</summary>
    public long LastAnnounceNs { get; set; }

    /// <summary>When anything about the stream last arrived: bounds the life of metadata-only entries.</summary>
    public long LastSeenNs { get; set; }

    /// <summary>DataSourceAnnounce.name, byte for byte (§5.1); empty when none.</summary>
    public byte[] Name { get; set; } = [];

    /// <summary>The epoch of the DataSourceAnnounce that carried <see cref="Name"/>: shown only for the current epoch.</summary>
    public ulong NameEpoch { get; set; }

    /// <summary>The meta_version the current epoch's DataSourceAnnounce declared (§10.3.1).</summary>
    public uint AnnouncedMetaVersion { get; set; }

    public bool HasAnnouncedMetaVersion { get; set; }

    /// <summary>The meta_version of the DataSourceMeta whose tags and id are kept.</summary>
    public uint MetaVersion { get; set; }

    public bool HasMeta { get; set; }

    public ulong? MetaDataSourceId { get; set; }

    public byte[][] MetaTags { get; set; } = [];

    /// <summary>Tags from the configuration (a driver's <c>[streams.*] tags</c>).</summary>
    public byte[][] ConfiguredTags { get; set; } = [];

    /// <summary>True when the name belongs to the epoch in force.</summary>
    public bool NameIsCurrent => Name.Length > 0 && NameEpoch == Epoch;

    /// <summary>True when the kept DataSourceMeta is the version the current epoch announced.</summary>
    public bool MetaIsCurrent => HasMeta && HasAnnouncedMetaVersion && NameEpoch == Epoch && MetaVersion == AnnouncedMetaVersion;

    /// <summary>data_source_id as results carry it: null (the SBE null value) unless the current metadata gives one.</summary>
    public ulong? DataSourceId => MetaIsCurrent ? MetaDataSourceId : null;

    /// <summary>The full tag set (§5.2): configured tags, then those of the current metadata, each once.</summary>
    public List<byte[]> Tags()
    {
        var all = new List<byte[]>(ConfiguredTags.Length + MetaTags.Length);
        Add(all, ConfiguredTags);
        if (MetaIsCurrent)
        {
            Add(all, MetaTags);
        }
        return all;
    }

    /// <summary>Whether the stream carries <paramref name="tag"/> (case-sensitive, byte for byte, §5.1).</summary>
    public bool HasTag(ReadOnlySpan<byte> tag)
    {
        foreach (byte[] t in ConfiguredTags)
        {
            if (tag.SequenceEqual(t))
            {
                return true;
            }
        }
        if (MetaIsCurrent)
        {
            foreach (byte[] t in MetaTags)
            {
                if (tag.SequenceEqual(t))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static void Add(List<byte[]> all, byte[][] tags)
    {
        foreach (byte[] t in tags)
        {
            if (!all.Exists(x => x.AsSpan().SequenceEqual(t)))
            {
                all.Add(t);
            }
        }
    }
}
