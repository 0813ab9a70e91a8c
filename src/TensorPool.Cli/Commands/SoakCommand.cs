using System.CommandLine;
using System.Text.Json;
using TensorPool.Cli.DataPath;
using TensorPool.Cli.Soak;

namespace TensorPool.Cli.Commands;

/// <summary><c>tp soak</c>: frames through restarts, every one checked (D207). Thin over <see cref="SoakRun"/>.</summary>
internal static class SoakCommand
{
    private const string Help = """

        Starts a driver (tp driver, a child process), one producer and --consumers consumers. The producer publishes
        --frames frames whose bytes are a pattern of their epoch and seq; at evenly spaced points it is closed and a new
        one attached (--producer-restarts), and the driver is killed with SIGKILL and started again (--driver-restarts).
        Every consumer copies and checks every frame it is given. After a driver restart the producer publishes on once
        the new driver has granted it a new epoch; the last frame waits until every consumer has mapped the last epoch.
        Progress and the closing summary line go to standard error; --json prints the result as one JSON object on
        standard output (frames, delivered, dropped, torn, restarts, epochs, seconds, failure).
        A frame is dropped when a consumer never got it (overwritten first, or published while it remapped): drops are
        the lossy ring doing its job; a torn frame (bytes not its own) is a failure and must be 0. The run also fails
        when the producer gets no new lease within 2 minutes of a driver restart or a consumer does not follow the last
        epoch within 30 s (the reason is in the summary line and in "failure").

        Examples:
          tp soak --frames 100000 --producer-restarts 1 --driver-restarts 1
          tp soak --json            # 10^8 frames, 10 restarts of each

        Exit codes: 0 passed (no torn, disordered or stale frame, frames delivered, every consumer accepted frames of
        the last epoch); 1 failed; 2 bad arguments.
        """;

    public static Command Build()
    {
        var frames = new Option<long>("--frames") { Description = "Frames to publish in all.", DefaultValueFactory = _ => 100_000_000 };
        var consumers = new Option<int>("--consumers") { Description = "Consumers checking every frame.", DefaultValueFactory = _ => 2 };
        var bytes = new Option<int>("--bytes") { Description = "Payload bytes of each frame.", DefaultValueFactory = _ => 256 };
        var producerRestarts = new Option<int>("--producer-restarts") { Description = "Times a new producer replaces the old one.", DefaultValueFactory = _ => 10 };
        var driverRestarts = new Option<int>("--driver-restarts") { Description = "Times the driver is killed (SIGKILL) and started again.", DefaultValueFactory = _ => 10 };
        var dir = new Option<string?>("--dir") { Description = "Directory for the run's files (default: a new one under /dev/shm, else the temp dir); removed at the end." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var command = new Command("soak", "Run frames through producer and driver restarts, checking every frame's content.\n" + Help);
        foreach (Option o in new Option[] { frames, consumers, bytes, producerRestarts, driverRestarts, dir, json })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            long n = parse.GetValue(frames);
            int k = parse.GetValue(consumers);
            int size = parse.GetValue(bytes);
            int pr = parse.GetValue(producerRestarts);
            int dr = parse.GetValue(driverRestarts);
            string? error = n < 1 ? $"--frames {n} must be positive"
                : k is < 1 or > 16 ? $"--consumers {k} must be 1 to 16"
                : size is < 1 or > (1 << 20) ? $"--bytes {size} must be 1 to 1048576"
                : pr < 0 || dr < 0 ? "--producer-restarts and --driver-restarts must not be negative"
                : pr >= n || dr >= n ? "more restarts than frames"
                : null;
            if (error is not null)
            {
                return CliErrors.BadInput(parse, "soak", "arguments", error);
            }
            string root = parse.GetValue(dir) ?? Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"tp-soak-{Environment.ProcessId}");
            var options = new SoakOptions { Frames = n, Consumers = k, Bytes = size, ProducerRestarts = pr, DriverRestarts = dr, Dir = root };
            using var stop = new StopSignal(watchStandardInput: false);
            using var cancel = new CancellationTokenSource();
            using var watcher = new Timer(_ =>
            {
                if (stop.IsSet)
                {
                    cancel.Cancel();
                }
            }, null, 100, 100);
            SoakResult result;
            try
            {
                result = new SoakRun(options, parse.InvocationConfiguration.Error).Run(cancel.Token);
            }
            finally
            {
                if (parse.GetValue(dir) is null && Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
            // The summary is human output (standard error, as every command's); the JSON is the result (standard output).
            parse.InvocationConfiguration.Error.WriteLine(result.Summary());
            if (parse.GetValue(json))
            {
                parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
            }
            return result.Passed && !cancel.IsCancellationRequested ? TpCommand.ExitOk : TpCommand.ExitFailure;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
