namespace TensorPool.Transport.Aeron;

/// <summary>
/// An Aeron call or the Aeron client failed. <see cref="ErrorCode"/> is Aeron's error code (an errno, or one of the
/// client's <c>AERON_CLIENT_ERROR_*</c> codes) and <see cref="AeronMessage"/> Aeron's own message. Subclasses mark what
/// a caller may handle differently: no media driver, a driver that stopped answering, a client declared dead.
/// </summary>
public class AeronException : Exception
{
    public AeronException()
        : this("Aeron call failed")
    {
    }

    public AeronException(string message)
        : base(message)
    {
        AeronMessage = string.Empty;
    }

    public AeronException(string message, Exception innerException)
        : base(message, innerException)
    {
        AeronMessage = string.Empty;
    }

    public AeronException(string message, int errorCode, string aeronMessage)
        : base(message)
    {
        ErrorCode = errorCode;
        AeronMessage = aeronMessage;
    }

    /// <summary>Aeron's error code (0 when Aeron gave none).</summary>
    public int ErrorCode { get; }

    /// <summary>Aeron's error message stack (may be empty).</summary>
    public string AeronMessage { get; }
}
