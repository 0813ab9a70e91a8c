namespace TensorPool.Transport;

/// <summary>Negative results of <see cref="IPublication.Offer"/> (Aeron's values where Aeron has one).</summary>
public static class PublicationStatus
{
    /// <summary>No subscriber is connected (only transports that track subscribers report it).</summary>
    public const long NotConnected = -1;

    /// <summary>The transport could not take the message now; retry later.</summary>
    public const long BackPressured = -2;

    /// <summary>The transport was busy with an administrative action; retry.</summary>
    public const long AdminAction = -3;

    /// <summary>The publication (or its transport) is closed.</summary>
    public const long Closed = -4;

    /// <summary>The stream reached its maximum position.</summary>
    public const long MaxPositionExceeded = -5;

    /// <summary>The message is longer than <see cref="IPublication.MaxMessageLength"/>.</summary>
    public const long MaxMessageLengthExceeded = -6;

    /// <summary>A readable name for a status value, for logs and errors.</summary>
    public static string Describe(long status) => status switch
    {
        >= 0 => "ok",
        NotConnected => "not connected",
        BackPressured => "back pressured",
        AdminAction => "admin action",
        Closed => "closed",
        MaxPositionExceeded => "max position exceeded",
        MaxMessageLengthExceeded => "max message length exceeded",
        _ => "unknown status " + status,
    };
}
