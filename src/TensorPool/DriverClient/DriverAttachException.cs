using TensorPool.Sbe.Driver;

namespace TensorPool.DriverClient;

/// <summary>The driver answered an attach with a code other than OK (driver spec §4.6); its diagnostic is kept.</summary>
public sealed class DriverAttachException : Exception
{
    public DriverAttachException(ResponseCode code, string driverMessage)
        : base($"the driver refused the attach ({code}): {driverMessage}")
    {
        Code = code;
        DriverMessage = driverMessage;
    }

    public DriverAttachException()
        : this(ResponseCode.InternalError, "")
    {
    }

    public DriverAttachException(string message)
        : base(message)
    {
        DriverMessage = message;
    }

    public DriverAttachException(string message, Exception innerException)
        : base(message, innerException)
    {
        DriverMessage = message;
    }

    public ResponseCode Code { get; }

    /// <summary>The response's errorMessage (ASCII, at most 1024 bytes).</summary>
    public string DriverMessage { get; }
}
