namespace TensorPool.Diagnostics;

/// <summary>
/// The live counters as System.Diagnostics.Metrics instruments of the meter <see cref="MeterName"/>, so
/// <c>dotnet-counters monitor --counters TensorPool</c> and OpenTelemetry (<c>AddMeter("TensorPool")</c>) read them
/// without code. Every instrument is observable: the data path records nothing more than the counters it keeps anyway,
/// and the values are read only when a listener collects.
/// </summary>
/// <remarks>
/// What a process reports depends on what runs in it: its clients' producers and consumers (frames, bytes, drops by
/// cause), a driver (leases), a supervisor (lag per consumer, from QoS: the only place where a producer's and a
/// consumer's sequences meet). Names and tags are listed here (docs/DECISIONS.md D145).
/// </remarks>
public static class TensorPoolMetrics
{
    /// <summary>The meter every instrument belongs to.</summary>
    public const string MeterName = "TensorPool";

    /// <summary>Frames a producer committed (counter, {frame}; tags stream and producer id).</summary>
    public const string ProducerFrames = "tensorpool.producer.frames";

    /// <summary>Payload bytes of the frames a producer committed (counter, By; tags stream and producer id).</summary>
    public const string ProducerBytes = "tensorpool.producer.bytes";

    /// <summary>Frames a producer dropped (counter, {frame}; tags stream and producer id, cause: no_pool, offer_failed, no_lease).</summary>
    public const string ProducerDrops = "tensorpool.producer.drops";

    /// <summary>Frames a consumer accepted (counter, {frame}; tags stream and consumer id).</summary>
    public const string ConsumerFrames = "tensorpool.consumer.frames";

    /// <summary>Payload bytes of the frames a consumer accepted (counter, By; tags stream and consumer id).</summary>
    public const string ConsumerBytes = "tensorpool.consumer.bytes";

    /// <summary>
    /// Sequences a consumer dropped (counter, {frame}; tags stream and consumer id, cause: gap, late, epoch, unmapped,
    /// invalid, regressed, resync).
    /// </summary>
    public const string ConsumerDrops = "tensorpool.consumer.drops";

    /// <summary>Frames published after the last one a consumer reported seeing (gauge, {frame}; tags stream and consumer id), as a supervisor's QoS shows it.</summary>
    public const string ConsumerLag = "tensorpool.consumer.lag";

    /// <summary>Leases a driver holds (up-down counter, {lease}; tags stream id, role: producer or consumer).</summary>
    public const string DriverLeases = "tensorpool.driver.leases";

    /// <summary>Leases a driver ended without a detach (counter, {lease}; tag cause: expired, revoked).</summary>
    public const string DriverLeaseLosses = "tensorpool.driver.lease_losses";

    /// <summary>Tag: the stream id.</summary>
    public const string StreamIdTag = "tensorpool.stream_id";

    /// <summary>Tag: the producer id.</summary>
    public const string ProducerIdTag = "tensorpool.producer_id";

    /// <summary>Tag: the consumer id.</summary>
    public const string ConsumerIdTag = "tensorpool.consumer_id";

    /// <summary>Tag: why frames were dropped or leases lost.</summary>
    public const string CauseTag = "tensorpool.cause";

    /// <summary>Tag: a lease's role.</summary>
    public const string RoleTag = "tensorpool.role";
}
