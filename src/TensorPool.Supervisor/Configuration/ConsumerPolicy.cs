using TensorPool.Sbe.Wire;

namespace TensorPool.Supervisor.Configuration;

/// <summary>
/// One rule of the supervisor's policy (<c>[[supervisor.policies]]</c>): the consumers it matches — by stream id,
/// the stream's data source name, the consumer's mode or id; a criterion left empty matches everything — and what
/// their ConsumerConfig says (wire spec §10.1.3, §10.5). The first policy that matches a consumer applies.
/// </summary>
public sealed record ConsumerPolicy
{
    /// <summary><c>name</c>: shown in the live model and logs.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>streams</c>: stream id ranges matched; empty: any.</summary>
    public IReadOnlyList<(uint Start, uint End)> Streams { get; init; } = [];

    /// <summary><c>data_source_name</c>: the stream's name (DataSourceAnnounce) matched exactly; null: any.</summary>
    public string? DataSourceName { get; init; }

    /// <summary><c>consumer_mode</c>: the mode the consumer asks for in its hello; null: any.</summary>
    public Mode? ConsumerMode { get; init; }

    /// <summary><c>consumer_ids</c>: consumer id ranges matched; empty: any.</summary>
    public IReadOnlyList<(uint Start, uint End)> ConsumerIds { get; init; } = [];

    /// <summary><c>mode</c>: the mode imposed (§10.1.3: the authority may force RATE_LIMITED); null: the consumer's.</summary>
    public Mode? Mode { get; init; }

    /// <summary>
    /// <c>max_rate_hz</c>: descriptors per second at most on the consumer's per-consumer descriptor stream, which the
    /// supervisor then serves itself (a downstream rate limiter, §11); 0: no cap.
    /// </summary>
    public uint MaxRateHz { get; init; }

    /// <summary><c>use_shm</c>: false sends the consumer to <see cref="PayloadFallbackUri"/> (§10.1.3); null: its own choice.</summary>
    public bool? UseShm { get; init; }

    /// <summary><c>payload_fallback_uri</c>: where a consumer told use_shm = false reads instead (bridge://, aeron:).</summary>
    public string? PayloadFallbackUri { get; init; }

    public bool Matches(uint streamId, string? dataSourceName, Mode consumerMode, uint consumerId) =>
        In(Streams, streamId) && In(ConsumerIds, consumerId) && (ConsumerMode is null || ConsumerMode == consumerMode) &&
        (DataSourceName is null || string.Equals(DataSourceName, dataSourceName, StringComparison.Ordinal));

    private static bool In(IReadOnlyList<(uint Start, uint End)> ranges, uint id)
    {
        if (ranges.Count == 0)
        {
            return true;
        }
        foreach ((uint start, uint end) in ranges)
        {
            if (id >= start && id <= end)
            {
                return true;
            }
        }
        return false;
    }
}
