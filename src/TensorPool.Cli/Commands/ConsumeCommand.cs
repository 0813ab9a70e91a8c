using System.CommandLine;
using TensorPool.Agents;
using TensorPool.Cli.DataPath;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp consume</c>: the consuming half of the demo: reads a stream's frames in place, verifies each one's content,
/// and reports accepted frames, drops by cause and latency (<c>--json</c>: one object). <c>--mode</c>, <c>--max-rate</c>,
/// <c>--per-consumer-stream</c> and <c>--progress</c> go into its ConsumerHello (§10.1.2).
/// </summary>
internal static class ConsumeCommand
{
    private const string Help = """

        Maps the regions a producer announces, reads each frame in place, verifies the content `tp produce` wrote
        and reports every second: frames/s, latency, drops by cause. Stops after --frames (accepted plus dropped)
        or --seconds, or on Ctrl-C/SIGTERM.

        Examples:
          tp consume --stream 10000
          tp consume --stream 10000 --seconds 10 --json | jq '.dropsLate'

        Exit codes: 0 no corrupt frame; 1 a corrupt frame was seen; 2 bad arguments (one line on standard error).
        """;

    public static Command Build()
    {
        var o = new DataPathOptions();
        var driver = new DriverArguments();
        var noVerify = new Option<bool>("--no-verify") { Description = "Count frames without checking their content (a stage's output, e.g. tp relay or tp join)." };
        var idle = new Option<string>("--idle") { Description = IdleChoice.Help, DefaultValueFactory = _ => IdleChoice.Default };
        var command = new Command("consume", "Read a stream's frames in place and verify them (the consuming half of tp demo).\n" + Help);
        var control = new ControlOptions();
        o.AddCommon(command);
        command.Options.Add(idle);
        command.Options.Add(noVerify);
        control.AddConsumer(command);
        driver.AddTo(command);
        command.SetAction(parse =>
        {
            RunSettings? settings = o.Settings(parse, out string error);
            ConsumerControlSettings? requests = settings is null ? null : control.ParseConsumer(parse, out error);
            if (settings is null || requests is null)
            {
                return CliErrors.BadInput(parse, "consume", "arguments", error);
            }
            settings = driver.Apply(parse, settings);
            Func<IWaitSource, IIdleStrategy>? strategy = IdleChoice.Parse(parse.GetValue(idle));
            if (strategy is null)
            {
                return CliErrors.BadInput(parse, "consume", "arguments", $"--idle '{parse.GetValue(idle)}' must be wait, spin, yield or backoff");
            }
            return new ConsumerRun(settings, strategy, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, requests,
                verify: !parse.GetValue(noVerify)).Run();
        });
        return command;
    }
}
