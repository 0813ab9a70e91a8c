namespace TensorPool.Sbe;

/// <summary>JSON that does not describe a message of the schemas: the message names the path and the rule.</summary>
public sealed class SbeJsonException : FormatException
{
    /// <summary>An exception with a default message.</summary>
    public SbeJsonException()
    {
    }

    /// <summary>An exception with a message.</summary>
    public SbeJsonException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and its cause.</summary>
    public SbeJsonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
