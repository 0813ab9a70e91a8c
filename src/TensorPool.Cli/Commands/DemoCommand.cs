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

    private const string Help = """

        Starts `tp produce` and `tp consume` as child processes in a private namespace, prints one line per process
        every second (frames/s, MB/s, latency p50/p99, drops by cause) and a summary; removes its shared memory at
        the end, also on Ctrl-C.

        Examples:
          tp demo
          tp demo --seconds 30 --rate 0 --shape 1080x1920 --dtype uint8 --consumers 3
          tp demo --frames 100000 --bytes 64 --json | jq '.consumers[].latencyNs'

        Exit codes: 0 every consumer verified every frame it accepted; 1 a process failed or a frame was corrupt;
        2 bad arguments (one line on standard error).
        """;

    public static Command Build()
    {
        var o = new DataPathOptions();
        var noDriver = new Option<bool>("--no-driver") { Description = "No driver: the producer creates and owns its regions (the wire spec's no-driver deployment)." };
        var config = new Option<string?>("--config") { Description = "Attach through the external `tp driver` this driver.toml describes (its control channel, namespace and first stream)." };
        var consumers = new Option<int>("--consumers") { Description = "Consumer processes.", DefaultValueFactory = _ => 2 };
        var idle = new Option<string>("--idle") { Description = "The consumers' " + char.ToLowerInvariant(IdleChoice.Help[0]) + IdleChoice.Help[1..], DefaultValueFactory = _ => IdleChoice.Default };
        var command = new Command("demo", "Run a producer and consumers as processes over shared memory and report throughput, latency and drops.\n" + Help);
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
        command.Options.Add(idle);
        command.Options.Add(noDriver);
        command.Options.Add(config);
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
            string idleName = parse.GetValue(idle) ?? IdleChoice.Default;
            if (settings is not null && frame is not null && IdleChoice.Parse(idleName) is null)
            {
                error = $"--idle '{idleName}' must be wait, spin, yield or backoff";
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
            string? configPath = parse.GetValue(config);
            if (configPath is not null && parse.GetValue(noDriver))
            {
                return CliErrors.BadInput(parse, "demo", "arguments", "--config and --no-driver exclude each other");
            }
            DemoDriver? driver;
            try
            {
                driver = configPath is not null ? DemoDriver.External(configPath, frame, out error)
                    : parse.GetValue(noDriver) ? DemoDriver.None()
                    : DemoDriver.Embedded(settings, frame);
            }
            catch (Exception e) when (e is Driver.Configuration.DriverConfigurationException or TensorPoolException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"tp demo: the embedded driver did not start: {e.Message}");
                return TpCommand.ExitFailure;
            }
            if (driver is null)
            {
                return CliErrors.BadInput(parse, "demo", "--config", error);
            }
            using (driver)
            {
                return new DemoRun(driver.Apply(settings), frame, rate, k, idleName, driver, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error).Run();
            }
        });
        return command;
    }
}
