using System.CommandLine;
using TensorPool.Agents;
using TensorPool.Cli.DataPath;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp consume</c>: the consuming half of the demo: reads a stream's frames in place, verifies each one's content,
/// and reports accepted frames, drops by cause and latency (<c>--json</c>: one object).
/// </summary>
internal static class ConsumeCommand
{
    public static Command Build()
    {
        var o = new DataPathOptions();
        var driver = new DriverArguments();
        var idle = new Option<string>("--idle") { Description = "When no frame is waiting: spin, yield (default) or backoff.", DefaultValueFactory = _ => "yield" };
        var command = new Command("consume", "Read a stream's frames in place and verify them (the consuming half of tp demo).");
        o.AddCommon(command);
        command.Options.Add(idle);
        driver.AddTo(command);
        command.SetAction(parse =>
        {
            RunSettings? settings = o.Settings(parse, out string error);
            if (settings is null)
            {
                return CliErrors.BadInput(parse, "consume", "arguments", error);
            }
            settings = driver.Apply(parse, settings);
            IIdleStrategy? strategy = parse.GetValue(idle) switch
            {
                "spin" => BusySpinIdleStrategy.Instance,
                "yield" => YieldingIdleStrategy.Instance,
                "backoff" => new BackoffIdleStrategy(),
                _ => null,
            };
            if (strategy is null)
            {
                return CliErrors.BadInput(parse, "consume", "arguments", $"--idle '{parse.GetValue(idle)}' must be spin, yield or backoff");
            }
            return new ConsumerRun(settings, strategy, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error).Run();
        });
        return command;
    }
}
