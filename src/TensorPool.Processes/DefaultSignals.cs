using System.Diagnostics;
using System.Globalization;

namespace TensorPool.Processes;

/// <summary>
/// D82: a process started from a background job of a non-interactive shell has SIGINT and SIGQUIT ignored, and its
/// children inherit that (.NET leaves an inherited SIG_IGN alone). When that is the case here, the child is started
/// through coreutils <c>env --default-signal=INT,QUIT</c>, which restores the defaults and execs the program (same
/// process id), as an interactive shell or a CI runner would have started it.
/// </summary>
internal static class DefaultSignals
{
    private const ulong SigInt = 1UL << 1;
    private const ulong SigQuit = 1UL << 2;
    private const string Env = "/usr/bin/env";

    public static void Apply(ProcessStartInfo startInfo)
    {
        if ((IgnoredSignals() & (SigInt | SigQuit)) == 0 || !File.Exists(Env))
        {
            return;
        }
        string[] original = [startInfo.FileName, .. startInfo.ArgumentList];
        startInfo.FileName = Env;
        startInfo.ArgumentList.Clear();
        startInfo.ArgumentList.Add("--default-signal=INT,QUIT");
        foreach (string a in original)
        {
            startInfo.ArgumentList.Add(a);
        }
    }

    /// <summary>The SigIgn mask of this process (bit n-1 = signal n ignored); 0 where /proc is not there.</summary>
    private static ulong IgnoredSignals()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                {
                    return ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
