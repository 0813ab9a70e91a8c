using System.CommandLine;
using System.Reflection;
using TensorPool.Bench.Matrix;
using TensorPool.Bench.Paced;

namespace TensorPool.Bench.Cli;

/// <summary>
/// <c>tp-bench [--quick] [--paced [--rates …] [--idle …] [--window S] [--aeron-dir DIR] [--pin] [--floor-slice] [--alternate N]] [--out DIR] [--sizes …] [--consumers …] [--json]</c>, run by users as <c>tp bench</c>: the benchmark
/// matrix with its same-run baselines (docs/benchmarks.md). The children it starts are this program again:
/// <c>tp-bench child …</c> (hidden). Errors follow the <c>tp</c> conventions: one line, exit 2 for bad arguments, 1 for a
/// failed measure.
/// </summary>
internal static class BenchTool
{
    public const string ChildCommand = "child";

    private const int ExitOk = 0;
    private const int ExitFailure = 1;
    private const int ExitBadInput = 2;

    private const string Help = """

        Runs every payload size against 1 and 3 consumers over tp:ipc, with the baselines measured in the same run,
        and prints the ratios; writes bench.json and PNG plots under --out (docs/benchmarks.md). tp bench runs this
        program (tp-bench, package TensorPool.Bench.Cli) with the same arguments.

        --paced runs the paced cells instead (issue 14): 64 B and 4 KiB at 100 Hz, 1 kHz and 10 kHz, 1 and 3
        consumers, each idle mode (spin, yield, backoff, wait), with latency, frames lost and the cores all processes
        used, beside a raw futex wake between two processes at the same rate. --quick adds one paced cell (64 B at
        1 kHz, one consumer, wait) to the matrix.

        Examples:
          tp bench --quick
          tp bench --sizes 64,1MiB --consumers 1 --out /tmp/bench
          tp bench --quick --json | jq '.cells[0]'
          tp bench --paced --sizes 64 --rates 1k,10k --consumers 1 --idle wait,spin

        Exit codes: 0 measured and written; 1 a measure failed (a child process, a timeout, an output file);
        2 bad arguments (one line on standard error).
        """;

    private static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print the stack trace of an unexpected error.",
        Recursive = true,
    };

    private static string Version =>
        typeof(BenchTool).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static RootCommand Build()
    {
        var quick = new Option<bool>("--quick") { Description = "A short run of every measure (under a minute on 2 cores)." };
        var outDir = new Option<string>("--out") { Description = "Directory for bench.json, latency.png and throughput.png.", DefaultValueFactory = _ => "bench-results" };
        var sizes = new Option<string>("--sizes") { Description = "Payload sizes, e.g. 64,4KiB,64KiB,1MiB,16MiB (the default)." };
        var consumers = new Option<string>("--consumers") { Description = "Consumer counts, e.g. 1,3 (the default)." };
        var json = new Option<bool>("--json") { Description = "Print bench.json instead of the table (progress goes to stderr either way)." };
        var paced = new Option<bool>("--paced") { Description = "Run the paced cells (sizes x rates x consumers x idle modes) instead of the size matrix." };
        var rates = new Option<string>("--rates") { Description = "With --paced: frame rates, e.g. 100,1k,10k (the default)." };
        var idleModes = new Option<string>("--idle") { Description = "With --paced: idle modes of the consumers, e.g. spin,yield,backoff,wait (the default)." };
        var window = new Option<double?>("--window") { Description = "With --paced: seconds of each cell's steady window (default 5, 1 with --quick)." };
        var aeronDir = new Option<string>("--aeron-dir") { Description = "With --paced: run the cells over aeron:ipc through the running media driver of this Aeron directory." };
        var pin = new Option<bool>("--pin") { Description = "With --paced: pin the producer and the futex waker to one CPU, the consumers and the waiter to another (default: nothing pinned)." };
        var floorSlice = new Option<bool>("--floor-slice") { Description = "With --paced: the futex floor's waiter asks for the shortest scheduler slice, as the wait consumers do (default: the plain pair issue 14 defines)." };
        var alternate = new Option<int?>("--alternate") { Description = "With --paced: give each cell its own futex floor, measured in N segments alternating with the cell's (floor, cell, ...; 1 to 20), so both see the same placement (default: one floor per rate, before the cells)." };
        var root = new RootCommand("tp bench: measure tp:ipc frames by payload size and consumer count against same-run baselines (ping-pong floor, memcpy ceiling, Unix sockets).\n" + Help);
        root.Options.Add(Verbose);
        root.Options.Add(quick);
        root.Options.Add(outDir);
        root.Options.Add(sizes);
        root.Options.Add(consumers);
        root.Options.Add(json);
        root.Options.Add(paced);
        root.Options.Add(rates);
        root.Options.Add(idleModes);
        root.Options.Add(window);
        root.Options.Add(aeronDir);
        root.Options.Add(pin);
        root.Options.Add(floorSlice);
        root.Options.Add(alternate);
        root.SetAction(parse =>
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
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter progress = parse.InvocationConfiguration.Error;
            if (!ok)
            {
                progress.WriteLine($"tp bench: arguments: {error}".ReplaceLineEndings(" "));
                return ExitBadInput;
            }
            bool isQuick = parse.GetValue(quick);
            if (!PacedPlan.TryCreate(new PacedArguments(parse.GetValue(paced), isQuick, parse.GetValue(sizes) is null ? null : sizeList,
                parse.GetValue(consumers) is null ? null : consumerList, parse.GetValue(rates), parse.GetValue(idleModes), parse.GetValue(window),
                parse.GetValue(aeronDir), parse.GetValue(pin), parse.GetValue(floorSlice), parse.GetValue(alternate)), out PacedPlan? plan, out error))
            {
                progress.WriteLine($"tp bench: arguments: {error}".ReplaceLineEndings(" "));
                return ExitBadInput;
            }
            var settings = new BenchSettings(sizeList, consumerList, isQuick, dir, plan, Matrix: !parse.GetValue(paced));
            var runner = new BenchRunner(settings, Version, progress, ChildCommand);
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
                return ExitFailure;
            }
            output.Write(parse.GetValue(json) ? BenchJson.Serialize(report) + Environment.NewLine : RatioTable.Format(report));
            progress.WriteLine(report.Cells.Count > 0
                ? $"# wrote {Path.GetFullPath(Path.Combine(dir, BenchRunner.JsonFile))}, {BenchRunner.LatencyPng}, {BenchRunner.ThroughputPng}"
                : $"# wrote {Path.GetFullPath(Path.Combine(dir, BenchRunner.JsonFile))}");
            return ExitOk;
        });

        // The children of a run: the measure's arguments as given (CPUs are numbers or "none", never '-'-prefixed).
        var childArgs = new Argument<string[]>("args") { Arity = ArgumentArity.OneOrMore };
        var child = new Command(ChildCommand, "Internal: one side of a tp bench measure.") { Hidden = true };
        child.Arguments.Add(childArgs);
        child.SetAction(parse => BenchChild.Run(parse.GetValue(childArgs) ?? []));
        root.Subcommands.Add(child);
        return root;
    }

    /// <summary>Parses and runs one command line: bad arguments print one line and exit 2; an unexpected error prints one line and exits 1.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ParseResult result = Build().Parse(args);
        if (result.Errors.Count > 0)
        {
            IEnumerable<string> messages = result.Errors.Select(e => e.Message).Distinct()
                .OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1);
            error.WriteLine($"tp bench: {string.Join("; ", messages)} (see --help)".ReplaceLineEndings(" "));
            return ExitBadInput;
        }
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return result.Invoke(configuration);
        }
        catch (Exception e)
        {
            bool verbose = result.GetValue(Verbose);
            error.WriteLine(($"tp bench: {e.GetType().Name}: {e.Message}" + (verbose ? "" : " (--verbose: stack trace)")).ReplaceLineEndings(" "));
            if (verbose)
            {
                error.WriteLine(e.ToString());
            }
            return e is ArgumentException ? ExitBadInput : ExitFailure;
        }
    }
}
