using TensorPool.Sbe.Wire;

namespace TensorPool.Supervisor;

/// <summary>One consumer in the supervisor's live model: what it asked for, what it was told, what the supervisor relays to it.</summary>
public sealed record SupervisedConsumerStatus
{
    public uint StreamId { get; init; }

    public uint ConsumerId { get; init; }

    /// <summary>The mode its hello asked for.</summary>
    public Mode RequestedMode { get; init; }

    public uint RequestedMaxRateHz { get; init; }

    /// <summary>The mode its ConsumerConfig imposed.</summary>
    public Mode Mode { get; init; }

    public bool UseShm { get; init; }

    public string PayloadFallbackUri { get; init; } = "";

    /// <summary>The policy that matched, empty when none.</summary>
    public string Policy { get; init; } = "";

    public string DescriptorChannel { get; init; } = "";

    public uint DescriptorStreamId { get; init; }

    public string ControlChannel { get; init; } = "";

    public uint ControlStreamId { get; init; }

    /// <summary>Descriptors per second at most on the stream the supervisor relays to it; 0: no cap.</summary>
    public uint RateCapHz { get; init; }

    /// <summary>True when the supervisor serves its descriptor stream (a downstream rate limiter, §11).</summary>
    public bool Relayed { get; init; }

    public long RelayedMessages { get; init; }

    public long RateCappedMessages { get; init; }

    public long ConfigsSent { get; init; }

    /// <summary>When a hello or QoS of it last arrived (supervisor clock).</summary>
    public long LastSeenNs { get; init; }
}
