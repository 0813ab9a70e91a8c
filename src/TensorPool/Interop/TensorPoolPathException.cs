namespace TensorPool;

/// <summary>
/// A path was refused before anything was mapped: not absolute, outside every allowed base directory, a symlink, not
/// a regular file, an unsafe name, a directory owned by another user, missing, or not accessible (wire spec §15.21a).
/// </summary>
public class TensorPoolPathException : TensorPoolException
{
    public TensorPoolPathException()
    {
    }

    public TensorPoolPathException(string message)
        : base(message)
    {
    }

    public TensorPoolPathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TensorPoolPathException(string message, int code, string codeName, string nativeMessage)
        : base(message, code, codeName, nativeMessage)
    {
    }
}
