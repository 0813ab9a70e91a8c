using System.CommandLine;
using System.Globalization;
using TensorPool.Cli.DataPath;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp demo</c>: the newcomer's first command. With no arguments: one producer and two consumer processes for ten
/// seconds, 480×640 float32 frames at 1 kHz over tp:ipc and /dev/shm, live progress, a summary.
/// </summary>
internal static class DemoCommand
{
    public const int MaxConsumers = 16;

    public const double DefaultRateHz = 1000;

    public static Command Build()
    {
        var o = new DataPathOptions();
        var consumers = new Option<int>("--consumers") { Description = "Consumer processes.", DefaultValueFactory = _ => 2 };
        var command = new Command("demo", "Run a producer and consumers as processes over shared memory and report throughput, latency and drops.");
        command.Options.Add(o.Stream);
        command.Options.Add(o.Frames);
        command.Options.Add(o.Seconds);
        command.Options.Add(o.ShmDir);
        command.Options.Add(o.Json);
        o.AddFrameShape(command);
        // A camera-like default: latency then shows delivery, not a backlog of frames produced faster than read.
        o.Rate.DefaultValueFactory = _ => DefaultRateHz;
        o.Rate.Description = $"Frames per second (default {DefaultRateHz}); 0 = as fast as possible.";
        command.Options.Add(consumers);
        command.SetAction(parse =>
        {
            RunSettings? settings = o.Settings(parse, out string error);
            double rate = 0;
            FrameSpec? frame = settings is null ? null : o.ParseFrame(parse, out rate, out _, out error);
            int k = parse.GetValue(consumers);
            if (settings is not null && frame is not null && (k < 1 || k > MaxConsumers))
            {
                error = $"--consumers {k} must be from 1 to {MaxConsumers}";
                frame = null;
            }
            if (settings is null || frame is null)
            {
                return CliErrors.BadInput(parse, "demo", "arguments", error);
            }
            settings = settings with
            {
                // A private namespace: the demo's regions and logs never meet another application's, and go away whole.
                Namespace = "demo-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                Duration = settings.Duration ?? (settings.Frames is null ? TimeSpan.FromSeconds(10) : null),
            };
            return new DemoRun(settings, frame, rate, k, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error).Run();
        });
        return command;
    }
}
