using System.Globalization;

namespace TensorPool.Discovery;

/// <summary>
/// Where a client sends discovery requests and receives responses (discovery spec §4): by default the provider is the
/// driver's control endpoint (<see cref="Client.ClientOptions.Driver"/>, else the client's control stream, §4.2) and
/// responses come back on the client's channel, stream 7004 (STREAM_ID_CONVENTIONS), never on the request channel
/// (§4.3).
/// </summary>
public sealed class DiscoveryOptions
{
    /// <summary>STREAM_ID_CONVENTIONS §2: discovery responses on 7004.</summary>
    public const int DefaultResponseStreamId = 7004;

    /// <summary>The provider's request channel; null: the driver's control channel, or the client's channel.</summary>
    public string? RequestChannel { get; set; }

    /// <summary>The provider's request stream; null: the driver's control stream, or the client's control stream.</summary>
    public int? RequestStreamId { get; set; }

    /// <summary>The channel responses come back on; null: the client's channel (tp:ipc naming the client's namespace).</summary>
    public string? ResponseChannel { get; set; }

    /// <summary>The stream responses come back on (§5.1: never 0).</summary>
    public int ResponseStreamId { get; set; } = DefaultResponseStreamId;

    /// <summary>How long a request waits for its response before a <see cref="TimeoutException"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The opaque client_id requests carry (§5.1: for logs, rate limits and visibility, not authentication); 0 draws a random one.</summary>
    public uint ClientId { get; set; }

    public DiscoveryOptions Clone() => (DiscoveryOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (RequestChannel is { Length: 0 } || ResponseChannel is { Length: 0 })
        {
            throw new ArgumentException("DiscoveryOptions: a channel, when given, must not be empty (§5.1)");
        }
        if (RequestStreamId is <= 0)
        {
            throw new ArgumentException($"DiscoveryOptions.RequestStreamId = {RequestStreamId} must be a positive stream id", nameof(RequestStreamId));
        }
        if (ResponseStreamId <= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"DiscoveryOptions.ResponseStreamId = {ResponseStreamId} must be a positive stream id (§5.1: never 0)"), nameof(ResponseStreamId));
        }
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"DiscoveryOptions.Timeout = {Timeout} must be positive and at most an hour", nameof(Timeout));
        }
    }
}
