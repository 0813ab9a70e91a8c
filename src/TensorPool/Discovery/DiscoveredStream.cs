using TensorPool.DriverClient;

namespace TensorPool.Discovery;

/// <summary>
/// One stream of a discovery response (discovery spec §5.2): an advisory snapshot (§3). Its layout is informational
/// and never mapped from here; attach through the authority it names (<see cref="DriverInstanceId"/>,
/// <see cref="DriverControlChannel"/>, <see cref="DriverControlStreamId"/>), which validates epoch, layout and
/// superblocks as usual (§7): <c>TensorPoolClient.AddConsumer(stream)</c>.
/// </summary>
public sealed record DiscoveredStream
{
    public uint StreamId { get; init; }

    public uint ProducerId { get; init; }

    public ulong Epoch { get; init; }

    public uint LayoutVersion { get; init; }

    public uint HeaderNslots { get; init; }

    public ushort HeaderSlotBytes { get; init; }

    public byte MaxDims { get; init; }

    public string HeaderRegionUri { get; init; } = "";

    public IReadOnlyList<DiscoveredPool> Pools { get; init; } = [];

    /// <summary>data_source_id, null when the provider gave none (the SBE null value).</summary>
    public ulong? DataSourceId { get; init; }

    /// <summary>The name exactly as announced: one character per byte (Latin-1), empty when none.</summary>
    public string DataSourceName { get; init; } = "";

    /// <summary>The stream's full tag set, in the provider's order (§5.2: unspecified), case preserved.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    public string DriverInstanceId { get; init; } = "";

    public string DriverControlChannel { get; init; } = "";

    public uint DriverControlStreamId { get; init; }

    /// <summary>Options of a driver connection to this stream's authority (§5.2: "clients MUST use these fields when initiating attach").</summary>
    public DriverClientOptions ToDriverClientOptions() => new()
    {
        ControlChannel = DriverControlChannel,
        ControlStreamId = unchecked((int)DriverControlStreamId),
    };
}
