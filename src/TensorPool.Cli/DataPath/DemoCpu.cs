using TensorPool.Processes;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// The cores all of a demo's processes use (this <c>tp</c>, with an embedded driver, and its children): CPU time from
/// /proc over wall time, for the last interval and for the steady window since the first sample (issue 14: the idle
/// mode's cost beside its latency). A process that has exited keeps its last reading.
/// </summary>
internal sealed class DemoCpu
{
    private readonly Dictionary<int, TimeSpan> _latest = [];
    private TimeSpan _firstCpu;
    private TimeSpan _firstWall = TimeSpan.MinValue;
    private TimeSpan _previousCpu;
    private TimeSpan _previousWall;
    private TimeSpan _lastCpu;
    private TimeSpan _lastWall;

    /// <summary>The processes measured.</summary>
    public int Processes => _latest.Count;

    /// <summary>Cores used between the last two samples; null before the second.</summary>
    public double? RecentCores => Cores(_previousCpu, _previousWall);

    /// <summary>Cores used since the first sample; null before the second.</summary>
    public double? WindowCores => Cores(_firstCpu, _firstWall);

    /// <summary>Wall time since the first sample.</summary>
    public TimeSpan Window => _firstWall == TimeSpan.MinValue ? TimeSpan.Zero : _lastWall - _firstWall;

    /// <summary>Read every process of <paramref name="pids"/> now (<paramref name="wall"/>: the run's clock).</summary>
    public void Sample(IEnumerable<int> pids, TimeSpan wall)
    {
        foreach (int pid in pids)
        {
            if (ProcessCpu.TryRead(pid, out TimeSpan cpu))
            {
                _latest[pid] = cpu;
            }
        }
        TimeSpan total = TimeSpan.Zero;
        foreach (TimeSpan cpu in _latest.Values)
        {
            total += cpu;
        }
        if (_firstWall == TimeSpan.MinValue)
        {
            (_firstCpu, _firstWall) = (total, wall);
            (_previousCpu, _previousWall) = (total, wall);
        }
        else
        {
            (_previousCpu, _previousWall) = (_lastCpu, _lastWall);
        }
        (_lastCpu, _lastWall) = (total, wall);
    }

    private double? Cores(TimeSpan fromCpu, TimeSpan fromWall)
    {
        if (_firstWall == TimeSpan.MinValue || _lastWall <= fromWall)
        {
            return null;
        }
        return Math.Max(0, (_lastCpu - fromCpu).TotalSeconds / (_lastWall - fromWall).TotalSeconds);
    }
}
