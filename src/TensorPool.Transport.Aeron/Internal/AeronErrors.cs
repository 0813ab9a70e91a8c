using TensorPool.Aeron.Native.Internal;

namespace TensorPool.Transport.Aeron.Internal;

/// <summary>Turns Aeron's error code and message (thread-local, read right after the failed call) into typed exceptions.</summary>
internal static class AeronErrors
{
    /// <summary>The calling thread's last Aeron error of libaeron.</summary>
    public static (int Code, string Message) Last() =>
        (NativeMethods.aeron_errcode(), (NativeMethods.aeron_errmsg_string() ?? string.Empty).Trim());

    /// <summary>The exception for Aeron error <paramref name="code"/> while doing <paramref name="what"/>.</summary>
    public static AeronException Create(string what, int code, string message)
    {
        string text = message.Length == 0 ? $"{what} failed (Aeron error {code})" : $"{what} failed: {FirstLine(message)}";
        return code switch
        {
            AeroncConstants.ClientErrorDriverTimeout => new AeronDriverTimeoutException(text, code, message),
            AeroncConstants.ClientErrorClientTimeout or AeroncConstants.ClientErrorConductorServiceTimeout =>
                new AeronClientTimeoutException(text, code, message),
            _ => new AeronException(text, code, message),
        };
    }

    /// <summary>The exception for the calling thread's last Aeron error.</summary>
    public static AeronException FromLast(string what)
    {
        (int code, string message) = Last();
        return Create(what, code, message);
    }

    private static string FirstLine(string message)
    {
        // Aeron's message is a stack: "(-1) unknown error code\n[function, file:line] reason\n..."; keep it readable.
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.Take(4));
    }
}
