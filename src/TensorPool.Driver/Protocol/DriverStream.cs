using TensorPool.Driver.Configuration;
using TensorPool.Driver.Leases;
using TensorPool.Driver.Shm;

namespace TensorPool.Driver.Protocol;

/// <summary>
/// A stream the driver manages: its profile, its current epoch's regions (null until first attach), its exclusive
/// producer lease (§5) and its consumer count.
/// </summary>
internal sealed class DriverStream
{
    public DriverStream(uint streamId, ProfileDefinition profile, bool isDynamic)
    {
        StreamId = streamId;
        Profile = profile;
        IsDynamic = isDynamic;
    }

    public uint StreamId { get; }

    public ProfileDefinition Profile { get; }

    /// <summary>Created on demand (EXISTING_OR_CREATE, §4.3) rather than configured.</summary>
    public bool IsDynamic { get; }

    /// <summary>The epoch clients attach to and the driver announces; null before the first attach.</summary>
    public StreamEpoch? Current { get; set; }

    /// <summary>The highest epoch ever used for the stream (on disk or in this run): new epochs go above it (§6, §10).</summary>
    public ulong HighestEpoch { get; set; }

    /// <summary>Whether the stream's directory was scanned for earlier runs' epochs.</summary>
    public bool Scanned { get; set; }

    /// <summary>The exclusive producer (§5), null when none is attached.</summary>
    public Lease? Producer { get; set; }

    public int Consumers { get; set; }

    /// <summary>The producer's client id for ShmPoolAnnounce.producerId (§8), 0 when none.</summary>
    public uint ProducerId => Producer?.ClientId ?? 0;
}
