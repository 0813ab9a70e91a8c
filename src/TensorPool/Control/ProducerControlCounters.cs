namespace TensorPool.Control;

/// <summary>A snapshot of a producer's consumer-control counters (wire spec §5, §10.1.2, §10.1.3).</summary>
/// <remarks>Counters types have named init-only properties only, so a new counter is not a breaking change (docs/DECISIONS.md D100).</remarks>
public readonly record struct ProducerControlCounters
{
    /// <summary>ConsumerHello messages of the producer's stream that decoded.</summary>
    public long HellosReceived { get; init; }

    /// <summary>Hellos answered with ControlResponse INVALID_PARAMS and not tracked (unknown mode, bad flags, layout version).</summary>
    public long HellosRejected { get; init; }

    /// <summary>Per-consumer stream requests declined (half requests, shared stream ids, unusable channels, over the limit).</summary>
    public long RequestsDeclined { get; init; }

    /// <summary>ConsumerConfig messages sent.</summary>
    public long ConfigsSent { get; init; }

    /// <summary>Consumers currently live.</summary>
    public int ConsumersTracked { get; init; }

    /// <summary>Consumers dropped because neither hello nor QosConsumer arrived within the stale timeout.</summary>
    public long ConsumersTimedOut { get; init; }

    /// <summary>Per-consumer descriptor and control publications open now.</summary>
    public int PerConsumerStreamsOpen { get; init; }

    /// <summary>Descriptors not sent on per-consumer streams because of max_rate_hz.</summary>
    public long DescriptorsRateLimited { get; init; }

    /// <summary>FrameProgress messages offered (every stream counted once per message).</summary>
    public long ProgressSent { get; init; }
}
