using System.Collections.Concurrent;

namespace TensorPool.TestHost.Scenarios;

/// <summary>Lines from stdin of a scenario process: <c>stop</c> (or the end of stdin: the test went away) stops; other lines are commands.</summary>
internal sealed class StdinCommands
{
    private readonly BlockingCollection<string> _lines = [];
    private volatile bool _stopped;

    public bool Stopped => _stopped;

    public static StdinCommands Start()
    {
        var s = new StdinCommands();
        var thread = new Thread(() =>
        {
            try
            {
                string? line;
                while ((line = Console.In.ReadLine()) is not null && !line.StartsWith("stop", StringComparison.Ordinal))
                {
                    s._lines.Add(line.Trim());
                }
            }
            catch (IOException)
            {
            }
            s._stopped = true;
            s._lines.Add("stop");
        })
        { IsBackground = true };
        thread.Start();
        return s;
    }

    /// <summary>Block until a stop (or the deadline), skipping other lines.</summary>
    public void WaitStop(TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Next(deadline - clock.Elapsed) != "stop")
        {
        }
    }

    /// <summary>A command line already received, without waiting; false when there is none (or only the stop).</summary>
    public bool TryNext(out string line) => _lines.TryTake(out line!) && line != "stop";

    /// <summary>The next line, or "stop" on a stop or the deadline.</summary>
    public string Next(TimeSpan deadline) =>
        (!_stopped || _lines.Count > 0) && deadline > TimeSpan.Zero && _lines.TryTake(out string? line, deadline) ? line : "stop";
}
