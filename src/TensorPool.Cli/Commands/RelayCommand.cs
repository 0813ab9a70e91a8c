using System.CommandLine;
using TensorPool.Cli.DataPath;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp relay</c>: a 1→1 stage (TraceLink §6.3, §14.2.1): every frame of one stream republished on another with its
/// trace id unchanged. Thin over <see cref="Stages.FrameRelay"/>.
/// </summary>
internal static class RelayCommand
{
    private const string Help = """

        Consumes --input as tp consume does and republishes each accepted frame (payload, tensor description,
        capture time) on --output, passing its TraceLink trace id on unchanged: a 1->1 stage. With --trace, frames
        that arrive untraced get a new root trace id. Stops after --frames relayed or --seconds, or on Ctrl-C/SIGTERM.

        Examples:
          tp relay --input 10000 --output 10001
          tp relay --input 10000 --output 10001 --trace --node-id 9 --max-bytes 2097152 --json

        Exit codes: 0 done; 1 the relay failed; 2 bad arguments or a shared-memory location that is refused
        (one line on standard error).
        """;

    public static Command Build()
    {
        var o = new DataPathOptions();
        var driver = new DriverArguments();
        var trace = new TraceArguments();
        var inputStream = new Option<uint>("--input") { Description = "The pool stream id to read.", Required = true };
        var outputStream = new Option<uint>("--output") { Description = "The pool stream id to publish.", Required = true };
        var maxBytes = new Option<int>("--max-bytes") { Description = "The largest frame relayed (the output pool's stride); larger ones are dropped and counted.", DefaultValueFactory = _ => 1 << 20 };
        var command = new Command("relay", "Republish a stream's frames on another stream, trace ids unchanged (a 1->1 stage).\n" + Help);
        command.Options.Add(inputStream);
        command.Options.Add(outputStream);
        command.Options.Add(maxBytes);
        command.Options.Add(o.Slots);
        command.Options.Add(o.Frames);
        command.Options.Add(o.Seconds);
        o.Location.AddTo(command);
        command.Options.Add(o.Json);
        driver.AddTo(command);
        trace.AddTo(command);
        command.SetAction(parse =>
        {
            RunSettings? settings = o.Settings(parse, out string error);
            if (settings is not null)
            {
                settings = trace.Apply(parse, driver.Apply(parse, settings), out error);
            }
            uint input = parse.GetValue(inputStream);
            uint output = parse.GetValue(outputStream);
            int bytes = parse.GetValue(maxBytes);
            int slots = parse.GetValue(o.Slots) ?? 64;
            if (settings is not null)
            {
                error = input == 0 || output == 0 ? "--input and --output must be positive stream ids"
                    : input == output ? $"--input and --output are both {input}: a relay publishes on another stream"
                    : bytes < 1 ? $"--max-bytes {bytes} must be positive"
                    : slots < 2 || slots > (1 << 20) || (slots & (slots - 1)) != 0 ? $"--slots {slots} must be a power of two from 2 to {1 << 20}"
                    : "";
            }
            if (settings is null || error.Length > 0)
            {
                return CliErrors.BadInput(parse, "relay", "arguments", error);
            }
            return new RelayRun(settings, input, output, bytes, slots, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error).Run();
        });
        return command;
    }
}
