using System.Diagnostics;
using Spectre.Console;
using TensorPool.Agents;
using TensorPool.Cli.DataPath;
using TensorPool.Control;
using TensorPool.Transport;

namespace TensorPool.Cli.Status;

/// <summary>
/// The loop of <c>tp status</c>: subscribes to the control, QoS and metadata streams, feeds every message to a
/// <see cref="QosMonitor"/>, and shows the table once after <c>--wait</c>, or every <c>--interval</c> with
/// <c>--watch</c> (a live view on a terminal, one table or JSON line per refresh otherwise) until Ctrl-C/SIGTERM, the end
/// of a piped standard input, or <c>--seconds</c>.
/// </summary>
internal sealed class StatusRun(StatusSettings settings, TextWriter output, TextWriter error, bool interactive)
{
    private readonly QosMonitor _monitor = new();
    private readonly List<ISubscription> _subscriptions = [];

    public int Run()
    {
        using var stop = new StopSignal(StopSignal.StandardInputIsPipe());
        using ITransport transport = TransportProviders.Create(settings.Channel, new TransportSettings
        {
            BaseDir = settings.ShmDir,
            Namespace = settings.Namespace,
            AeronDir = settings.AeronDir,
            ErrorHandler = e => error.WriteLine("tp status: " + e.Message),
        });
        try
        {
            // One subscription per distinct stream id: the three may be configured onto one stream.
            foreach (uint id in new[] { settings.ControlStreamId, settings.QosStreamId, settings.MetadataStreamId }.Distinct())
            {
                _subscriptions.Add(transport.AddSubscription(settings.Channel, unchecked((int)id)));
            }
            error.WriteLine($"tp status: listening on {settings.Channel} streams {string.Join(", ", _subscriptions.Select(s => unchecked((uint)s.StreamId)))}");
            error.Flush();
            IAnsiConsole console = CreateConsole();
            if (!settings.Watch)
            {
                Pump(settings.Wait, stop);
                Show(console);
                return TpCommand.ExitOk;
            }
            long end = settings.Duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
            bool Done() => stop.IsSet || Stopwatch.GetTimestamp() >= end;
            if (interactive && !settings.Json)
            {
                console.Live(View()).Start(live =>
                {
                    while (!Done())
                    {
                        Pump(settings.Interval, stop);
                        live.UpdateTarget(View());
                    }
                });
            }
            else
            {
                while (!Done())
                {
                    Pump(settings.Interval, stop);
                    Show(console);
                }
            }
            return TpCommand.ExitOk;
        }
        finally
        {
            foreach (ISubscription s in _subscriptions)
            {
                s.Dispose();
            }
        }
    }

    /// <summary>Feeds every message that arrives within <paramref name="period"/> to the table.</summary>
    private void Pump(TimeSpan period, StopSignal stop)
    {
        MessageHandler offer = message => _monitor.Offer(message);
        var idle = new BackoffIdleStrategy();
        long end = Stopwatch.GetTimestamp() + (long)(period.TotalSeconds * Stopwatch.Frequency);
        while (!stop.IsSet && Stopwatch.GetTimestamp() < end)
        {
            int work = 0;
            foreach (ISubscription s in _subscriptions)
            {
                work += s.Poll(offer, 256);
            }
            idle.Idle(work);
        }
        _monitor.Prune(settings.Forget);
    }

    private StatusCounts Counts() => new(_monitor.Applied, _monitor.Ignored, _monitor.Malformed, _monitor.Overflowed,
        _subscriptions.Sum(s => s.Counters.LostMessages));

    private Spectre.Console.Rendering.IRenderable View() => StatusTableView.Build(_monitor.Snapshot(), Counts(), _monitor.NowNs);

    private void Show(IAnsiConsole console)
    {
        if (settings.Json)
        {
            output.WriteLine(StatusJson.Write(_monitor.Snapshot(), Counts(), _monitor.NowNs));
        }
        else
        {
            console.Write(View());
            output.WriteLine();
        }
        output.Flush();
    }

    private IAnsiConsole CreateConsole()
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!interactive)
        {
            console.Profile.Width = 160; // a file or pipe has no width; wide enough that no column wraps
        }
        return console;
    }
}
