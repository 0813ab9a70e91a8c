namespace TensorPool.DriverClient;

/// <summary>The driver client's lease states (driver spec §4.12.1).</summary>
public enum DriverLeaseState
{
    /// <summary>A request is in flight.</summary>
    Attaching,

    /// <summary>Granted; keepalives running.</summary>
    Attached,

    /// <summary>Waiting before the next attempt after a refusal, a timeout or a loss.</summary>
    Backoff,

    /// <summary>Closed by its owner: detached (best effort) and never reattached.</summary>
    Closed,
}
