using System.CommandLine;
using TensorPool.Bench.Matrix;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp bench [--quick] [--out DIR] [--sizes …] [--consumers …] [--json]</c>: the benchmark matrix with its same-run
/// baselines (docs/benchmarks.md). The children it starts are this program again: <c>tp bench-child …</c> (hidden).
/// </summary>
internal static class BenchCommand
{
    public const string ChildCommand = "bench-child";

    private const string Help = """

        Runs every payload size against 1 and 3 consumers over tp:ipc, with the baselines measured in the same run,
        and prints the ratios; writes bench.json and PNG plots under --out (docs/benchmarks.md).

        Examples:
          tp bench --quick
          tp bench --sizes 64,1MiB --consumers 1 --out /tmp/bench
          tp bench --quick --json | jq '.cells[0]'

        Exit codes: 0 measured and written; 1 a measure failed (a child process, a timeout, an output file);
        2 bad arguments (one line on standard error).
        """;

    public static IEnumerable<Command> Build()
    {
        var quick = new Option<bool>("--quick") { Description = "A short run of every measure (under a minute on 2 cores)." };
        var outDir = new Option<string>("--out") { Description = "Directory for bench.json, latency.png and throughput.png.", DefaultValueFactory = _ => "bench-results" };
        var sizes = new Option<string>("--sizes") { Description = "Payload sizes, e.g. 64,4KiB,64KiB,1MiB,16MiB (the default)." };
        var consumers = new Option<string>("--consumers") { Description = "Consumer counts, e.g. 1,3 (the default)." };
        var json = new Option<bool>("--json") { Description = "Print bench.json instead of the table (progress goes to stderr either way)." };
        var command = new Command("bench", "Measure tp:ipc frames by payload size and consumer count against same-run baselines (ping-pong floor, memcpy ceiling, Unix sockets).\n" + Help);
        command.Options.Add(quick);
        command.Options.Add(outDir);
        command.Options.Add(sizes);
        command.Options.Add(consumers);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            int[] sizeList = BenchSettings.DefaultSizes;
            int[] consumerList = BenchSettings.DefaultConsumers;
            string error = "";
            string dir = parse.GetValue(outDir) ?? "bench-results";
            bool ok = (parse.GetValue(sizes) is not { } s || BenchSettings.TryParseSizes(s, out sizeList, out error)) &&
                      (parse.GetValue(consumers) is not { } c || BenchSettings.TryParseConsumers(c, out consumerList, out error));
            if (ok && File.Exists(dir))
            {
                (ok, error) = (false, $"--out '{dir}' is a file, not a directory");
            }
            else if (ok && string.IsNullOrWhiteSpace(dir))
            {
                (ok, error) = (false, "--out needs a directory");
            }
            if (!ok)
            {
                return CliErrors.BadInput(parse, "bench", "arguments", error);
            }
            var settings = new BenchSettings(sizeList, consumerList, parse.GetValue(quick), dir);
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter progress = parse.InvocationConfiguration.Error;
            var runner = new BenchRunner(settings, TpCommand.Version, progress, ChildCommand);
            BenchReport report;
            try
            {
                report = runner.Run();
                runner.Write(report);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException
                                           or FormatException or KeyNotFoundException or System.Net.Sockets.SocketException)
            {
                progress.WriteLine($"tp bench: failed: {e.Message}".ReplaceLineEndings(" "));
                return TpCommand.ExitFailure;
            }
            output.Write(parse.GetValue(json) ? BenchJson.Serialize(report) + Environment.NewLine : RatioTable.Format(report));
            progress.WriteLine($"# wrote {Path.GetFullPath(Path.Combine(dir, BenchRunner.JsonFile))}, {BenchRunner.LatencyPng}, {BenchRunner.ThroughputPng}");
            return TpCommand.ExitOk;
        });

        // The children of tp bench: the measure's arguments as given (CPUs are numbers or "none", never '-'-prefixed).
        var childArgs = new Argument<string[]>("args") { Arity = ArgumentArity.OneOrMore };
        var child = new Command(ChildCommand, "Internal: one side of a tp bench measure.") { Hidden = true };
        child.Arguments.Add(childArgs);
        child.SetAction(parse => BenchChild.Run(parse.GetValue(childArgs) ?? []));
        return [command, child];
    }
}
