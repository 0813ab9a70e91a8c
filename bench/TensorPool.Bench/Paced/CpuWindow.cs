using System.Diagnostics;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The cores a set of processes used over a window: the sum of their CPU ticks at its end minus at its start, in
/// seconds, divided by the wall time between the two readings (1.0 = one core busy all the time).
/// </summary>
public sealed class CpuWindow
{
    private readonly IReadOnlyList<int> _pids;
    private readonly long _startTicks;
    private readonly long _startWall;

    private CpuWindow(IReadOnlyList<int> pids, long startTicks, long startWall)
    {
        _pids = pids;
        _startTicks = startTicks;
        _startWall = startWall;
    }

    /// <summary>Read every process's ticks now.</summary>
    /// <exception cref="InvalidOperationException">A process is gone (it died before the window began).</exception>
    public static CpuWindow Start(IReadOnlyList<int> pids) => new(pids, Sum(pids), Stopwatch.GetTimestamp());

    /// <summary>Read them again: the cores used since <see cref="Start"/>, and the window's length.</summary>
    /// <exception cref="InvalidOperationException">A process is gone (it died inside the window).</exception>
    public (double Cores, double Seconds) Stop()
    {
        long ticks = Sum(_pids);
        double seconds = Stopwatch.GetElapsedTime(_startWall).TotalSeconds;
        return (Cores(ticks - _startTicks, ProcStat.TicksPerSecond, seconds), seconds);
    }

    /// <summary>Cores from a tick difference: CPU seconds over wall seconds (0 for an empty window).</summary>
    public static double Cores(long ticks, long ticksPerSecond, double wallSeconds) =>
        wallSeconds > 0 && ticksPerSecond > 0 ? (double)ticks / ticksPerSecond / wallSeconds : 0;

    private static long Sum(IReadOnlyList<int> pids)
    {
        long sum = 0;
        foreach (int pid in pids)
        {
            if (!ProcStat.TryReadTicks(pid, out long ticks))
            {
                throw new InvalidOperationException($"process {pid} is gone: its CPU time cannot be read");
            }
            sum += ticks;
        }
        return sum;
    }
}
