namespace TensorPool.Diagnostics;

/// <summary>Which instrument a <see cref="IMetricsSource"/> is asked for.</summary>
internal enum MetricKind
{
    ProducerFrames,
    ProducerBytes,
    ProducerDrops,
    ConsumerFrames,
    ConsumerBytes,
    ConsumerDrops,
    ConsumerLag,
    DriverLeases,
    DriverLeaseLosses,
}
