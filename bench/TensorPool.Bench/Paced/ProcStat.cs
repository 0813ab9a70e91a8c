using System.Globalization;
using System.Runtime.InteropServices;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The CPU time a process has used: utime + stime of <c>/proc/PID/stat</c> (fields 14 and 15, in clock ticks; the
/// times of its threads that have ended stay in them), read once at each end of a steady window.
/// </summary>
public static partial class ProcStat
{
    private const int ScClkTck = 2; // sysconf(_SC_CLK_TCK)

    /// <summary>Clock ticks per second (USER_HZ, 100 on Linux).</summary>
    public static long TicksPerSecond { get; } = OperatingSystem.IsLinux() && sysconf(ScClkTck) is > 0 and var hz ? hz : 100;

    /// <summary>
    /// utime + stime from the text of a stat file. The command name (field 2) is in parentheses and may hold spaces
    /// and ')': the fields are counted after its last ')'. False for text that is not a stat line.
    /// </summary>
    public static bool TryParseTicks(string text, out long ticks)
    {
        ticks = 0;
        int close = text?.LastIndexOf(')') ?? -1;
        if (close < 0)
        {
            return false;
        }
        // After ')': field 3 (state) is the first; utime and stime are fields 14 and 15.
        string[] fields = text![(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13 ||
            !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out long utime) ||
            !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out long stime) ||
            utime > long.MaxValue - stime)
        {
            return false;
        }
        ticks = utime + stime;
        return true;
    }

    /// <summary>The CPU ticks of process <paramref name="pid"/>; false when it is gone or the file is unreadable.</summary>
    public static bool TryReadTicks(int pid, out long ticks)
    {
        try
        {
            return TryParseTicks(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"), out ticks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ticks = 0;
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial long sysconf(int name);
}
