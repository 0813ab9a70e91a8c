namespace TensorPool.Control;

/// <summary>A snapshot of a producer's consumer-control counters (wire spec §5, §10.1.2, §10.1.3).</summary>
/// <param name="HellosReceived">ConsumerHello messages of the producer's stream that decoded.</param>
/// <param name="HellosRejected">Hellos answered with ControlResponse INVALID_PARAMS and not tracked (unknown mode, bad flags, layout version).</param>
/// <param name="RequestsDeclined">Per-consumer stream requests declined (half requests, shared stream ids, unusable channels, over the limit).</param>
/// <param name="ConfigsSent">ConsumerConfig messages sent.</param>
/// <param name="ConsumersTracked">Consumers currently live.</param>
/// <param name="ConsumersTimedOut">Consumers dropped because neither hello nor QosConsumer arrived within the stale timeout.</param>
/// <param name="PerConsumerStreamsOpen">Per-consumer descriptor and control publications open now.</param>
/// <param name="DescriptorsRateLimited">Descriptors not sent on per-consumer streams because of max_rate_hz.</param>
/// <param name="ProgressSent">FrameProgress messages offered (every stream counted once per message).</param>
public readonly record struct ProducerControlCounters(
    long HellosReceived,
    long HellosRejected,
    long RequestsDeclined,
    long ConfigsSent,
    int ConsumersTracked,
    long ConsumersTimedOut,
    int PerConsumerStreamsOpen,
    long DescriptorsRateLimited,
    long ProgressSent);
