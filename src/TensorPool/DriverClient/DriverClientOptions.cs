using System.Globalization;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.DriverClient;

/// <summary>
/// Settings of a <see cref="DriverConnection"/>: where the driver listens (its <c>driver.control_channel</c> and
/// <c>driver.control_stream_id</c>, announces on <c>driver.announce_*</c>), and the attach, keepalive and liveness
/// timing (driver spec §4.2, §4.4, §4.9). The defaults match a driver with the defaults of §17 on tp:ipc.
/// </summary>
public sealed class DriverClientOptions
{
    public const string DefaultChannel = "tp:ipc";
    public const int DefaultControlStreamId = 1000;

    /// <summary>The transport to use; null creates a tp:ipc transport over <see cref="IpcBaseDir"/> that the connection owns.</summary>
    public ITransport? Transport { get; set; }

    /// <summary>tp:ipc base dir of the transport the connection creates (the driver's <c>driver.ipc_base_dir</c>).</summary>
    public string IpcBaseDir { get; set; } = TpIpcOptions.DefaultBaseDir;

    /// <summary>tp:ipc namespace of the transport the connection creates (the driver's <c>shm.namespace</c>).</summary>
    public string Namespace { get; set; } = TpIpcOptions.DefaultNamespace;

    /// <summary>The driver's control channel (requests and responses, §4.5).</summary>
    public string ControlChannel { get; set; } = DefaultChannel;

    public int ControlStreamId { get; set; } = DefaultControlStreamId;

    /// <summary>The driver's announce channel; null means <see cref="ControlChannel"/>.</summary>
    public string? AnnounceChannel { get; set; }

    /// <summary>The driver's announce stream; null means <see cref="ControlStreamId"/>.</summary>
    public int? AnnounceStreamId { get; set; }

    /// <summary>How long one attach attempt waits for its response before it is sent again (§4.2).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long <see cref="DriverConnection.AttachAsync"/> keeps trying before it gives up with a <see cref="TimeoutException"/>.</summary>
    public TimeSpan AttachTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a producer's first attach keeps trying while the driver refuses it (REJECTED), instead of failing at
    /// once: a producer restarted before its old lease expired is refused until the driver expires it (§5, §7), and the
    /// refusal says when. Zero (the default) fails at the first refusal. At most an hour (D213).
    /// </summary>
    public TimeSpan RefusedProducerRetry { get; set; } = TimeSpan.Zero;

    /// <summary>The first pause after a failed attempt; it doubles up to <see cref="MaxBackoff"/> (§4.2, §4.12.1).</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The driver's <c>policies.lease_keepalive_interval_ms</c> (§4.4: 1 s recommended).</summary>
    public TimeSpan KeepaliveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The driver's <c>policies.announce_period_ms</c>: liveness and epoch waits are 3× it (§4.9).</summary>
    public TimeSpan AnnouncePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>No announce of a leased stream for this long means the driver is gone (§4.13, §10); null is 3 × <see cref="AnnouncePeriod"/>.</summary>
    public TimeSpan? DriverTimeout { get; set; }

    /// <summary>The monotonic clock of every timer; a <see cref="ManualClock"/> in tests.</summary>
    public IClock Clock { get; set; } = MonotonicClock.Instance;

    public string EffectiveAnnounceChannel => AnnounceChannel ?? ControlChannel;

    public int EffectiveAnnounceStreamId => AnnounceStreamId ?? ControlStreamId;

    public TimeSpan EffectiveDriverTimeout => DriverTimeout ?? AnnouncePeriod * 3;

    public DriverClientOptions Clone() => (DriverClientOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (!ChannelUri.TryParse(ControlChannel, out _, out string? error))
        {
            throw Invalid(nameof(ControlChannel), ControlChannel, "is not a channel URI: " + error);
        }
        if (AnnounceChannel is not null && !ChannelUri.TryParse(AnnounceChannel, out _, out error))
        {
            throw Invalid(nameof(AnnounceChannel), AnnounceChannel, "is not a channel URI: " + error);
        }
        if (ControlStreamId == 0 || AnnounceStreamId == 0)
        {
            throw Invalid(ControlStreamId == 0 ? nameof(ControlStreamId) : nameof(AnnounceStreamId), "0", "must be a non-zero stream id");
        }
        foreach ((string name, TimeSpan value) in new[]
        {
            (nameof(ResponseTimeout), ResponseTimeout), (nameof(AttachTimeout), AttachTimeout), (nameof(InitialBackoff), InitialBackoff),
            (nameof(MaxBackoff), MaxBackoff), (nameof(KeepaliveInterval), KeepaliveInterval), (nameof(AnnouncePeriod), AnnouncePeriod),
            (nameof(DriverTimeout), EffectiveDriverTimeout),
        })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
            {
                throw Invalid(name, value.ToString("c", CultureInfo.InvariantCulture), "must be positive and at most an hour");
            }
        }
        if (RefusedProducerRetry < TimeSpan.Zero || RefusedProducerRetry > TimeSpan.FromHours(1))
        {
            throw Invalid(nameof(RefusedProducerRetry), RefusedProducerRetry.ToString("c", CultureInfo.InvariantCulture), "must be zero to an hour");
        }
        if (Clock is null)
        {
            throw Invalid(nameof(Clock), "null", "must be set");
        }
    }

    private static ArgumentException Invalid(string option, string? value, string rule) =>
        new($"DriverClientOptions.{option} = '{value}' {rule}", option);
}
