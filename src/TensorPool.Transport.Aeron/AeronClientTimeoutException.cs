namespace TensorPool.Transport.Aeron;

/// <summary>
/// The media driver declared this client dead (Aeron's AERON_CLIENT_ERROR_CLIENT_TIMEOUT: its keepalives stopped, for
/// example a process paused too long), or the client's own conductor missed its service interval
/// (AERON_CLIENT_ERROR_CONDUCTOR_SERVICE_TIMEOUT). The transport reconnects with a new client.
/// </summary>
public class AeronClientTimeoutException : AeronException
{
    public AeronClientTimeoutException()
    {
    }

    public AeronClientTimeoutException(string message)
        : base(message)
    {
    }

    public AeronClientTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AeronClientTimeoutException(string message, int errorCode, string aeronMessage)
        : base(message, errorCode, aeronMessage)
    {
    }
}
