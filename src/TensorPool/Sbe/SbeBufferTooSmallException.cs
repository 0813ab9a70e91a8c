namespace TensorPool.Sbe;

/// <summary>
/// An encoder was given a buffer too small for what it was asked to write. Encoders write into the
/// caller's own buffer, so this is a sizing error of the caller, not bad input from outside.
/// </summary>
public sealed class SbeBufferTooSmallException : ArgumentException
{
    /// <summary>An exception with a default message.</summary>
    public SbeBufferTooSmallException()
    {
    }

    /// <summary>An exception with a message.</summary>
    public SbeBufferTooSmallException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message and its cause.</summary>
    public SbeBufferTooSmallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The buffer held <paramref name="capacity"/> bytes where <paramref name="required"/> were needed.</summary>
    public SbeBufferTooSmallException(int capacity, int required)
        : base($"the buffer holds {capacity} bytes; the message needs {required}", "buffer")
    {
        Capacity = capacity;
        Required = required;
    }

    /// <summary>Bytes the buffer holds.</summary>
    public int Capacity { get; }

    /// <summary>Bytes the encoder needed.</summary>
    public int Required { get; }
}
