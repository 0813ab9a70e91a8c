namespace TensorPool.Time;

/// <summary>
/// The client's clocks and windows, resolved once at start-up and shared read-only with its trackers. Here, below the
/// client and the consumers' announce trackers that both read it, so neither namespace references the other (D90).
/// </summary>
internal sealed class ClientTiming(IClock clock, IClock realtimeClock, long joinTimeNs, long announcePeriodNs, long qosPeriodNs,
    long freshnessWindowNs, long livenessTimeoutNs)
{
    public IClock Clock { get; } = clock;

    public IClock RealtimeClock { get; } = realtimeClock;

    /// <summary>join_time_ns of §10.1.1: when the client's control subscription became available.</summary>
    public long JoinTimeNs { get; } = joinTimeNs;

    public long AnnouncePeriodNs { get; } = announcePeriodNs;

    public long QosPeriodNs { get; } = qosPeriodNs;

    /// <summary>Announces (and a new mapping's activity timestamp) older than this are stale (§10.1.1, §15.1).</summary>
    public long FreshnessWindowNs { get; } = freshnessWindowNs;

    /// <summary>A mapped producer whose activity timestamp is older than this is dead: unmap (§15.14).</summary>
    public long LivenessTimeoutNs { get; } = livenessTimeoutNs;
}
