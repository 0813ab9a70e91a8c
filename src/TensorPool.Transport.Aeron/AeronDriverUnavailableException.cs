namespace TensorPool.Transport.Aeron;

/// <summary>No media driver answered in the Aeron directory within the driver timeout (none running, or a stale one).</summary>
public class AeronDriverUnavailableException : AeronException
{
    public AeronDriverUnavailableException()
    {
    }

    public AeronDriverUnavailableException(string message)
        : base(message)
    {
    }

    public AeronDriverUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AeronDriverUnavailableException(string message, int errorCode, string aeronMessage)
        : base(message, errorCode, aeronMessage)
    {
    }
}
