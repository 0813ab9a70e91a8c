namespace TensorPool.Driver;

/// <summary>
/// Another driver holds the namespace or the control endpoint this driver was configured with (D170): two drivers on
/// one namespace would refuse each other's clients, expire each other's leases and bump each other's epochs. The
/// message names the running driver's pid and instance; stop it, or give this driver another namespace or control
/// stream. A claim left by a driver that died is taken over without this error (the kernel releases its lock).
/// </summary>
public sealed class DriverAlreadyRunningException : TensorPoolException
{
    public DriverAlreadyRunningException()
        : this("another driver is running", "", 0, "")
    {
    }

    public DriverAlreadyRunningException(string message)
        : this(message, "", 0, "")
    {
    }

    public DriverAlreadyRunningException(string message, Exception innerException)
        : base(message, innerException)
    {
        ClaimPath = "";
        HolderInstanceId = "";
    }

    public DriverAlreadyRunningException(string message, string claimPath, int holderPid, string holderInstanceId)
        : base(message)
    {
        ClaimPath = claimPath;
        HolderPid = holderPid;
        HolderInstanceId = holderInstanceId;
    }

    /// <summary>The claim file that is held.</summary>
    public string ClaimPath { get; }

    /// <summary>The running driver's process id as its claim records it (0 when the claim could not be read).</summary>
    public int HolderPid { get; }

    /// <summary>The running driver's <c>driver.instance_id</c> as its claim records it (empty when unreadable).</summary>
    public string HolderInstanceId { get; }
}
