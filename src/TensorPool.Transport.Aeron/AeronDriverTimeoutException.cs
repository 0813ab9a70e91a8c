namespace TensorPool.Transport.Aeron;

/// <summary>
/// The media driver stopped answering the client (Aeron's AERON_CLIENT_ERROR_DRIVER_TIMEOUT): it died or was stopped.
/// The transport reconnects when a driver answers again.
/// </summary>
public class AeronDriverTimeoutException : AeronException
{
    public AeronDriverTimeoutException()
    {
    }

    public AeronDriverTimeoutException(string message)
        : base(message)
    {
    }

    public AeronDriverTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AeronDriverTimeoutException(string message, int errorCode, string aeronMessage)
        : base(message, errorCode, aeronMessage)
    {
    }
}
