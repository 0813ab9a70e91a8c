using System.Globalization;

namespace TensorPool.Processes;

/// <summary>
/// CPU time a Linux process has used, from <c>/proc/&lt;pid&gt;/stat</c> (utime + stime, every thread): what "cores
/// used" figures are made of (CPU time over wall time).
/// </summary>
public static class ProcessCpu
{
    // USER_HZ, the unit of the /proc tick counts: 100 on every Linux ABI (the kernel scales to it).
    private const double TicksPerSecond = 100.0;

    /// <summary>The CPU time process <paramref name="pid"/> has used so far; false when it is gone or /proc is unreadable.</summary>
    public static bool TryRead(int pid, out TimeSpan cpu)
    {
        cpu = TimeSpan.Zero;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return TryParse(text, out cpu);
    }

    /// <summary>utime + stime of a <c>/proc/&lt;pid&gt;/stat</c> line; false when it is not one.</summary>
    public static bool TryParse(string stat, out TimeSpan cpu)
    {
        ArgumentNullException.ThrowIfNull(stat);
        cpu = TimeSpan.Zero;
        // The command name (field 2) is in parentheses and may hold spaces and ')': the fields resume after the last ')'.
        int close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }
        string[] fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        if (fields.Length < 13
            || !ulong.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out ulong utime)
            || !ulong.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out ulong stime))
        {
            return false;
        }
        cpu = TimeSpan.FromSeconds((utime + (double)stime) / TicksPerSecond);
        return true;
    }
}
