using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>A failed native call as a diagnosis: the tp_error_t name and the first line of the thread's message.</summary>
internal readonly record struct NativeFailure(string Code, string Message)
{
    /// <summary>Reads the calling thread's native error for the negative <paramref name="rc"/> a call just returned.</summary>
    public static NativeFailure Last(int rc)
    {
        string code = NativeMethods.tp_errname_string(rc) ?? rc.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string message = NativeMethods.tp_errmsg_string() ?? "";
        // The message is a stack: "(-33) what went wrong\n  at function (file:line)...". The first line says it.
        int newline = message.IndexOf('\n', StringComparison.Ordinal);
        if (newline >= 0)
        {
            message = message[..newline];
        }
        if (message.StartsWith('(') && message.IndexOf(") ", StringComparison.Ordinal) is int close and > 0)
        {
            message = message[(close + 2)..];
        }
        return new NativeFailure(code, message.Length == 0 ? code : message);
    }
}
