using System.CommandLine;
using TensorPool.Cli.DataPath;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp produce</c>: the producing half of the demo: synthetic self-checking frames on a stream until
/// <c>--frames</c> or <c>--seconds</c> (or Ctrl-C); cleans its shared memory up on exit. <c>--meta</c> and <c>--name</c>
/// go into DataSourceMeta/DataSourceAnnounce (§10.3); <c>--progress-rows</c> writes frames in row blocks with FrameProgress (§10.2.2).
/// </summary>
internal static class ProduceCommand
{
    private const string Help = """

        Publishes self-checking synthetic frames (every byte derived from the sequence number) that `tp consume`
        verifies; announces its regions every second on the control stream (1000). Stops after --frames or
        --seconds, or on Ctrl-C/SIGTERM, and removes its epoch directory.

        Examples:
          tp produce --stream 10000 --rate 500 --seconds 30 --shape 1080x1920 --dtype uint8
          tp produce --bytes 64 --rate 0 --frames 1000000 --wait-consumers 2 --json
          tp produce --stream 10000 --rate 30 --trace --node-id 7    (every frame a root trace id, TraceLink)

        Under a driver (--driver-channel), a producer restarted before its previous lease expired is refused until
        the driver expires that lease; it tries again for up to --attach-wait seconds (default 10).

        Exit codes: 0 done; 1 the producer failed (a lease lost during the run), or --wait-consumers consumers did not map the stream within
        60 s; 2 bad arguments or a shared-memory location that is refused (one line on standard error).
        """;

    /// <summary>Beyond the recommended lease expiry (3 missed 1 s keepalives, driver spec §4.4) with room to spare.</summary>
    private const double DefaultAttachWaitSeconds = 10;

    public static Command Build()
    {
        var o = new DataPathOptions();
        var driver = new DriverArguments();
        var trace = new TraceArguments();
        var attachWait = new Option<double>("--attach-wait")
        {
            Description = "Under a driver: seconds to keep trying while the driver refuses the stream (a previous producer's lease " +
                "that has not expired yet, e.g. after a crash); 0 fails at once.",
            DefaultValueFactory = _ => DefaultAttachWaitSeconds,
        };
        var wait = new Option<int>("--wait-consumers") { Description = "Start once this many consumers have mapped the stream (seen in their QoS).", DefaultValueFactory = _ => 0 };
        var command = new Command("produce", "Publish synthetic frames on a stream (the producing half of tp demo).\n" + Help);
        var control = new ControlOptions();
        o.AddCommon(command);
        o.AddFrameShape(command);
        control.AddProducer(command);
        command.Options.Add(o.Slots);
        command.Options.Add(wait);
        command.Options.Add(attachWait);
        driver.AddTo(command);
        trace.AddTo(command);
        command.SetAction(parse =>
        {
            RunSettings? settings = o.Settings(parse, out string error);
            double rate = 0;
            int? slots = null;
            FrameSpec? frame = settings is null ? null : o.ParseFrame(parse, out rate, out slots, out error);
            ProducerControlSettings? published = frame is null ? null : control.ParseProducer(parse, frame, out error);
            if (settings is null || frame is null || published is null)
            {
                return CliErrors.BadInput(parse, "produce", "arguments", error);
            }
            settings = trace.Apply(parse, driver.Apply(parse, settings), out error);
            if (settings is null)
            {
                return CliErrors.BadInput(parse, "produce", "arguments", error);
            }
            int waitFor = parse.GetValue(wait);
            if (waitFor < 0)
            {
                return CliErrors.BadInput(parse, "produce", "arguments", $"--wait-consumers {waitFor} must not be negative");
            }
            double attachSeconds = parse.GetValue(attachWait);
            if (!(attachSeconds >= 0 && attachSeconds <= 3600))
            {
                return CliErrors.BadInput(parse, "produce", "arguments", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--attach-wait {attachSeconds} must be 0 to 3600 seconds"));
            }
            settings = settings with { RefusedProducerRetry = TimeSpan.FromSeconds(attachSeconds) };
            return new ProducerRun(settings, frame, rate, slots, waitFor, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, published).Run();
        });
        return command;
    }
}
