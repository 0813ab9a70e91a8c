using System.Globalization;

namespace TensorPool.Transport.Aeron;

/// <summary>
/// Settings of an <see cref="AeronTransport"/>. The transport copies them when it is created and validates them then:
/// <see cref="Validate"/> throws an <see cref="ArgumentException"/> naming the option, its value and the rule.
/// </summary>
public sealed class AeronTransportOptions
{
    /// <summary>How long the client waits for a media driver by default, and Aeron's own driver timeout (10 s).</summary>
    public static readonly TimeSpan DefaultDriverTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often a transport whose media driver went away looks for it again.</summary>
    public static readonly TimeSpan DefaultReconnectInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The Aeron directory shared with the media driver (its CnC file and logs). Null or empty: <c>$AERON_DIR</c>, else
    /// Aeron's default (<c>/dev/shm/aeron-&lt;user&gt;</c>).
    /// </summary>
    public string? AeronDir { get; set; }

    /// <summary>libaeron (a file or its folder); null: <c>$TP_AERON_LIBRARY</c>, then the platform's library search.</summary>
    public string? LibraryPath { get; set; }

    /// <summary>
    /// Start a media driver inside this process (libaeron_driver) instead of using a running <c>aeronmd</c>; it is
    /// stopped with the transport.
    /// </summary>
    public bool EmbeddedMediaDriver { get; set; }

    /// <summary>Settings of the embedded media driver (<see cref="EmbeddedMediaDriver"/>); null: the defaults.</summary>
    public AeronMediaDriverOptions? MediaDriver { get; set; }

    /// <summary>
    /// How long to wait for a media driver when connecting (and Aeron's driver timeout: a driver silent this long is
    /// declared dead). With no driver, creating the transport fails after this long with
    /// <see cref="AeronDriverUnavailableException"/>.
    /// </summary>
    public TimeSpan DriverTimeout { get; set; } = DefaultDriverTimeout;

    /// <summary>
    /// After the media driver went away (driver or client timeout), how often to look for it again; publications
    /// and subscriptions are re-created on the new driver, and offers report <see cref="PublicationStatus.NotConnected"/>
    /// meanwhile.
    /// </summary>
    public TimeSpan ReconnectInterval { get; set; } = DefaultReconnectInterval;

    /// <summary>How many times an offer retries Aeron's ADMIN_ACTION (a term rotation) before returning it.</summary>
    public int AdminActionRetries { get; set; } = 16;

    /// <summary>
    /// Receives the transport's asynchronous errors (driver timeouts, client timeouts, driver errors, exceptions thrown
    /// by image handlers), as typed <see cref="AeronException"/>s, on Aeron's conductor thread or the reconnecting
    /// thread. Null writes them to stderr.
    /// </summary>
    public Action<Exception>? ErrorHandler { get; set; }

    /// <summary>Called when an image (one publisher's stream) joins or leaves a subscription, on Aeron's conductor thread.</summary>
    public Action<AeronImageEvent>? ImageHandler { get; set; }

    /// <summary>The Aeron client name shown in the driver's counters.</summary>
    public string ClientName { get; set; } = "tensorpool";

    /// <summary>A copy, so a transport keeps the values it was created with.</summary>
    public AeronTransportOptions Clone()
    {
        var copy = (AeronTransportOptions)MemberwiseClone();
        copy.MediaDriver = MediaDriver?.Clone();
        return copy;
    }

    /// <summary>The Aeron directory in force: <see cref="AeronDir"/>, else <c>$AERON_DIR</c>, else null (Aeron's default).</summary>
    public string? EffectiveAeronDir
    {
        get
        {
            if (!string.IsNullOrEmpty(AeronDir))
            {
                return AeronDir;
            }
            string? env = Environment.GetEnvironmentVariable("AERON_DIR");
            return string.IsNullOrEmpty(env) ? null : env;
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (!string.IsNullOrEmpty(AeronDir) && (AeronDir[0] != '/' || AeronDir.Any(char.IsControl) || AeronDir.Length > 4000))
        {
            throw Invalid(nameof(AeronDir), AeronDir.Replace('\0', '?'), "must be an absolute path without control characters");
        }
        if (LibraryPath is not null && (LibraryPath.Length == 0 || LibraryPath.Any(char.IsControl)))
        {
            throw Invalid(nameof(LibraryPath), LibraryPath.Replace('\0', '?'), "must be null or a path without control characters");
        }
        if (DriverTimeout < TimeSpan.FromMilliseconds(100) || DriverTimeout > TimeSpan.FromHours(1))
        {
            throw Invalid(nameof(DriverTimeout), DriverTimeout.ToString(), "must be from 100 ms to an hour");
        }
        if (ReconnectInterval < TimeSpan.FromMilliseconds(10) || ReconnectInterval > TimeSpan.FromHours(1))
        {
            throw Invalid(nameof(ReconnectInterval), ReconnectInterval.ToString(), "must be from 10 ms to an hour");
        }
        if (AdminActionRetries is < 0 or > 1_000_000)
        {
            throw Invalid(nameof(AdminActionRetries), AdminActionRetries.ToString(CultureInfo.InvariantCulture), "must be from 0 to 1000000");
        }
        if (string.IsNullOrEmpty(ClientName) || ClientName.Length > 100 || ClientName.Any(char.IsControl))
        {
            throw Invalid(nameof(ClientName), ClientName, "must be 1 to 100 characters, none a control character");
        }
        MediaDriver?.Validate();
    }

    private static ArgumentException Invalid(string option, string? value, string rule) =>
        new($"AeronTransportOptions.{option} = '{value}' {rule}", option);
}
