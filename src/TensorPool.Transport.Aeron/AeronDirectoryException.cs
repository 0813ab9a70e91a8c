namespace TensorPool.Transport.Aeron;

/// <summary>
/// The Aeron directory cannot be used: it belongs to another user, is not a directory, or its CnC file is not one a
/// media driver wrote (garbage, a truncated file, an incompatible version). Refused before Aeron reads it.
/// </summary>
public class AeronDirectoryException : AeronException
{
    public AeronDirectoryException()
    {
    }

    public AeronDirectoryException(string message)
        : base(message)
    {
    }

    public AeronDirectoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
