using System.Globalization;
using TensorPool.Time;

namespace TensorPool.JoinBarrier;

/// <summary>
/// Where MergeMap messages travel and how often: the control stream (§10.1: "carried on the control stream"), the
/// authority's re-announce period (§10.1: "at a low cadence as soft-state"), and a late joiner's request retry.
/// Copied and checked when an authority or client is made.
/// </summary>
public sealed class MergeMapControlOptions
{
    /// <summary>tp:ipc, as every stream of the project by default.</summary>
    public const string DefaultChannel = "tp:ipc";

    /// <summary>The control stream of STREAM_ID_CONVENTIONS.</summary>
    public const int DefaultControlStreamId = 1000;

    /// <summary>Default soft-state re-announce period (D166).</summary>
    public static readonly TimeSpan DefaultAnnounceInterval = TimeSpan.FromSeconds(1);

    /// <summary>Default shortest time between two answers to requests for the same map (D166).</summary>
    public static readonly TimeSpan DefaultResponseHoldoff = TimeSpan.FromMilliseconds(20);

    /// <summary>Default time between a late joiner's repeated requests (D167).</summary>
    public static readonly TimeSpan DefaultRequestInterval = TimeSpan.FromMilliseconds(250);

    public string Channel { get; set; } = DefaultChannel;

    public int ControlStreamId { get; set; } = DefaultControlStreamId;

    /// <summary>How often an authority re-announces each map it owns (a map is also announced at once when published).</summary>
    public TimeSpan AnnounceInterval { get; set; } = DefaultAnnounceInterval;

    /// <summary>
    /// Shortest time between two answers for one map: requests arriving meanwhile are answered together by the next
    /// one (the answer is a broadcast announce every requester sees), so a flood of requests costs one announce per holdoff.
    /// </summary>
    public TimeSpan ResponseHoldoff { get; set; } = DefaultResponseHoldoff;

    /// <summary>How often a client repeats a request until the map (valid or not) is known.</summary>
    public TimeSpan RequestInterval { get; set; } = DefaultRequestInterval;

    /// <summary>The monotonic clock of the timers; the process's CLOCK_MONOTONIC when null.</summary>
    public IClock? Clock { get; set; }

    internal MergeMapControlOptions Validated()
    {
        if (string.IsNullOrWhiteSpace(Channel))
        {
            throw new ArgumentException("Channel must name a channel (tp:ipc by default)", nameof(Channel));
        }
        if (ControlStreamId <= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"ControlStreamId {ControlStreamId} must be positive"), nameof(ControlStreamId));
        }
        Positive(AnnounceInterval, nameof(AnnounceInterval));
        Positive(RequestInterval, nameof(RequestInterval));
        if (ResponseHoldoff < TimeSpan.Zero)
        {
            throw new ArgumentException($"ResponseHoldoff {ResponseHoldoff} must not be negative", nameof(ResponseHoldoff));
        }
        return (MergeMapControlOptions)MemberwiseClone();
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} {value} must be positive", name);
        }
    }
}
