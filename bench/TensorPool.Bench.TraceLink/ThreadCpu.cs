using System.Globalization;

namespace TensorPool.Bench.TraceLink;

/// <summary>CPU time of this process's threads by name, from /proc/self/task/*/stat (utime + stime, clock ticks).</summary>
internal static class ThreadCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Seconds of CPU used so far by the threads whose name starts with <paramref name="prefix"/> (Linux keeps 15 characters).</summary>
    public static double Seconds(string prefix)
    {
        double total = 0;
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                int open = stat.IndexOf('(', StringComparison.Ordinal);
                int close = stat.LastIndexOf(')');
                string name = stat[(open + 1)..close];
                if (!name.StartsWith(prefix.Length > 15 ? prefix[..15] : prefix, StringComparison.Ordinal))
                {
                    continue;
                }
                string[] fields = stat[(close + 2)..].Split(' ');
                // After the name: state is field 3, utime field 14, stime field 15 (1-based over the whole line).
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return total;
    }
}
