using System.Text;
using Microsoft.Win32.SafeHandles;

namespace TensorPool.Cli;

/// <summary>
/// Standard output that reports a reader that went away. .NET's console stream pretends a write to a closed pipe
/// succeeded (it ignores EPIPE), so <c>tp listen | head -1</c> and <c>tp status --watch | head -1</c> ran on forever
/// after head exited. A pipe or socket is written through a <see cref="FileStream"/> instead, whose write fails with
/// an <see cref="IOException"/> carrying EPIPE; <see cref="TpCommand"/> then ends the command quietly (D178).
/// Terminals and files keep <see cref="Console.Out"/>.
/// </summary>
internal static class StandardOutput
{
    /// <summary>EPIPE on Linux: .NET puts the errno of a failed write in the IOException's HResult.</summary>
    private const int EPipe = 32;

    public static TextWriter Create()
    {
        if (!Console.IsOutputRedirected || OperatingSystem.IsWindows())
        {
            return Console.Out;
        }
        FileStream stream;
        try
        {
            stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Console.Out;
        }
        if (stream.CanSeek)
        {
            // A file: Console.Out's plain writes keep appending where the shell's redirection put them.
            stream.Dispose();
            return Console.Out;
        }
        var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096) { AutoFlush = true };
        return TextWriter.Synchronized(writer);
    }

    /// <summary>Is <paramref name="e"/> a write to a pipe whose reader has gone (EPIPE)?</summary>
    public static bool IsReaderGone(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is IOException io && (io.HResult == EPipe || io.Message.Contains("Broken pipe", StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }
}
