namespace TensorPool;

/// <summary>
/// A shared-memory file's contents failed validation: wrong magic or layout version, a size that disagrees with its
/// header, inconsistent header fields, or a capacity other than the one configured. The file is not used.
/// </summary>
public class TensorPoolFileFormatException : TensorPoolException
{
    public TensorPoolFileFormatException()
    {
    }

    public TensorPoolFileFormatException(string message)
        : base(message)
    {
    }

    public TensorPoolFileFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TensorPoolFileFormatException(string message, int code, string codeName, string nativeMessage)
        : base(message, code, codeName, nativeMessage)
    {
    }
}
