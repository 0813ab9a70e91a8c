using System.Runtime.InteropServices;

namespace TensorPool.Cli.Bench;

/// <summary>
/// Replacing this process with another program (<c>execvp</c>): the same process id, standard streams, signal
/// dispositions and exit code, so <c>tp bench</c> is <c>tp-bench</c> to whoever started it (a shell's Ctrl-C, a script's
/// <c>kill</c>, a wait for the exit code).
/// </summary>
internal static partial class ProcessImage
{
    /// <summary>
    /// Runs <paramref name="program"/> (searched on the PATH when it has no '/') with <paramref name="arguments"/> in
    /// place of this process. Returns only when that failed, with the errno.
    /// </summary>
    public static int Replace(string program, IReadOnlyList<string> arguments)
    {
        var argv = new nint[arguments.Count + 2]; // argv[0] is the program, the last entry NULL
        try
        {
            argv[0] = Marshal.StringToCoTaskMemUTF8(program);
            for (int i = 0; i < arguments.Count; i++)
            {
                argv[i + 1] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
            }
            RemoveDiagnosticsSocket();
            ExecVp(program, argv);
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            foreach (nint p in argv)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    /// <summary>
    /// The runtime's diagnostics socket (<c>$TMPDIR/dotnet-diagnostic-PID-START-socket</c>) is removed only at a normal
    /// exit. A .NET program run in this process's place has the same PID and start time, hence the same name, finds the
    /// file taken and leaves it behind at its exit: remove it first.
    /// </summary>
    private static void RemoveDiagnosticsSocket()
    {
        string dir = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } tmp ? tmp : "/tmp";
        try
        {
            foreach (string socket in Directory.EnumerateFiles(dir, $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
            {
                File.Delete(socket);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a leftover file in the temporary folder; the program still runs.
        }
    }

    [LibraryImport("libc", EntryPoint = "execvp", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ExecVp(string file, nint[] argv);
}
