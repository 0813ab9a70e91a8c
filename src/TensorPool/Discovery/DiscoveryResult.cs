using TensorPool.Sbe.Discovery;

namespace TensorPool.Discovery;

/// <summary>
/// A discovery response (discovery spec §5.2) as the client accepted it: the status, the provider's error message,
/// and the valid streams, de-duplicated by (driver_instance_id, stream_id, epoch) with stale epochs discarded (§7).
/// Results that break a rule (empty authority channel, stream id 0, pool_nslots not header_nslots, results on
/// NOT_FOUND or ERROR) are left out and counted in <see cref="InvalidResults"/>.
/// </summary>
public sealed record DiscoveryResult
{
    /// <summary>OK (also with no stream), NOT_FOUND (nothing visible matched) or ERROR (see <see cref="ErrorMessage"/>).</summary>
    public DiscoveryStatus Status { get; init; }

    public string ErrorMessage { get; init; } = "";

    public IReadOnlyList<DiscoveredStream> Streams { get; init; } = [];

    /// <summary>Results ignored because they break a rule of §5.2.</summary>
    public int InvalidResults { get; init; }

    /// <summary>Results ignored as duplicates or stale epochs of another result (§7).</summary>
    public int DuplicateResults { get; init; }

    /// <summary>The request id the response echoed.</summary>
    public ulong RequestId { get; init; }
}
