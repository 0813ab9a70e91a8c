namespace TensorPool;

/// <summary>
/// A libtensorpool call failed. <see cref="Code"/> is the native <c>tp_error_t</c> (or tp:ipc log) code,
/// <see cref="CodeName"/> its constant name (<c>TP_LOG_ERR_MAGIC</c>) and <see cref="NativeMessage"/> the thread's
/// native error stack at the time (<c>tp_errmsg()</c>: the first line says what was wrong, the following lines where).
/// Subclasses group the codes a caller may want to handle differently.
/// </summary>
public class TensorPoolException : Exception
{
    public TensorPoolException()
        : this("libtensorpool call failed", 0, "TP_OK", string.Empty)
    {
    }

    public TensorPoolException(string message)
        : this(message, 0, "TP_OK", string.Empty)
    {
    }

    public TensorPoolException(string message, Exception innerException)
        : base(message, innerException)
    {
        CodeName = "TP_OK";
        NativeMessage = string.Empty;
    }

    public TensorPoolException(string message, int code, string codeName, string nativeMessage)
        : base(message)
    {
        Code = code;
        CodeName = codeName;
        NativeMessage = nativeMessage;
    }

    /// <summary>The negative native error code.</summary>
    public int Code { get; }

    /// <summary>The code's constant name, e.g. <c>TP_ERR_PATH_NOT_CONTAINED</c>.</summary>
    public string CodeName { get; }

    /// <summary>The native error stack of the failed call (may be empty when the library recorded none).</summary>
    public string NativeMessage { get; }
}
