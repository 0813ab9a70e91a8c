using TensorPool.Sbe.Wire;

namespace TensorPool.Supervisor.Protocol;

/// <summary>
/// What the supervisor tells one consumer (ConsumerConfig, wire spec §10.1.3) and whether it serves the consumer's
/// per-consumer streams itself (a relay of the shared streams, rate-capped for descriptors, §11).
/// </summary>
internal sealed record ConsumerDecision
{
    public bool UseShm { get; init; } = true;

    public Mode Mode { get; init; } = Mode.Stream;

    public string PayloadFallbackUri { get; init; } = "";

    public string DescriptorChannel { get; init; } = "";

    public uint DescriptorStreamId { get; init; }

    public string ControlChannel { get; init; } = "";

    public uint ControlStreamId { get; init; }

    /// <summary>Descriptors per second at most on the relayed descriptor stream; 0: all.</summary>
    public uint RateCapHz { get; init; }

    /// <summary>The supervisor publishes the descriptor stream it assigned (it differs from what the consumer asked the producer for).</summary>
    public bool RelayDescriptors { get; init; }

    public bool RelayProgress { get; init; }

    /// <summary>The policy that matched, empty when none.</summary>
    public string Policy { get; init; } = "";
}
