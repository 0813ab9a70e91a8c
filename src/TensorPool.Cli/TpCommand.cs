using System.CommandLine;
using System.Reflection;
using TensorPool.Cli.Commands;

namespace TensorPool.Cli;

/// <summary>The root of the <c>tp</c> command line; each area adds its subcommands here.</summary>
internal static class TpCommand
{
    /// <summary>Exit code for success.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code for a failure of the operation itself.</summary>
    public const int ExitFailure = 1;

    /// <summary>Exit code for bad input: arguments, files, configuration.</summary>
    public const int ExitBadInput = 2;

    private const string Help = """

        Every command prints --help with examples. Errors are one line on standard error, "tp <command>: <what>: <why>";
        --verbose adds the stack trace of an unexpected error.

        Exit codes: 0 success; 1 the operation failed (a producer could not start, frames were corrupt, a timeout
        came first); 2 bad input (arguments, files, channels, configuration).
        """;

    /// <summary>
    /// <c>--verbose</c>, on every command: stack traces for unexpected errors (which otherwise print one line).
    /// </summary>
    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print the stack trace of an unexpected error.",
        Recursive = true,
    };

    public static string Version =>
        typeof(TpCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";

    public static RootCommand Build()
    {
        var root = new RootCommand("tp - TensorPool.NET: zero-copy shared-memory tensor exchange (SHM Tensor Pool protocols).\n" + Help);
        root.Options.Add(Verbose);
        root.Subcommands.Add(DecodeCommand.Build());
        root.Subcommands.Add(EncodeCommand.Build());
        root.Subcommands.Add(DriverCommand.Build());
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(ProduceCommand.Build());
        root.Subcommands.Add(ConsumeCommand.Build());
        root.Subcommands.Add(RelayCommand.Build());
        root.Subcommands.Add(JoinCommand.Build());
        root.Subcommands.Add(ShmInspectCommand.Build());
        root.Subcommands.Add(ListenCommand.Build());
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(TraceCommand.Build());
        root.Subcommands.Add(DiscoverCommand.Build());
        root.Subcommands.Add(DiscoveryCommand.Build());
        root.Subcommands.Add(SupervisorCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());
        root.Subcommands.Add(SoakCommand.Build());
        return root;
    }

    /// <summary>The <c>tp</c> executable's entry: <c>tp bench …</c> becomes tp-bench when it is installed, the rest is parsed.</summary>
    public static int Run(string[] args) =>
        BenchCommand.TryReplaceProcess(args, out int exit) ? exit : Run(args, StandardOutput.Create(), Console.Error);

    /// <summary>
    /// Parses and runs one command line: the one error path of every command. Bad arguments print one line and exit 2;
    /// an exception a command did not handle prints one line (the stack trace too with <c>--verbose</c>) and exits 1,
    /// or 2 when it is about bad input.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ParseResult result = Build().Parse(args);
        if (result.Errors.Count > 0)
        {
            // Every parse error on the one line, the most specific (an unknown word) first.
            IEnumerable<string> messages = result.Errors.Select(e => e.Message).Distinct()
                .OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1);
            error.WriteLine($"{CliErrors.CommandPath(result)}: {string.Join("; ", messages)} (see --help)".ReplaceLineEndings(" "));
            return ExitBadInput;
        }
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return result.Invoke(configuration);
        }
        catch (Exception e) when (StandardOutput.IsReaderGone(e))
        {
            // The reader of our standard output went away (`| head -1`): stop, as Unix tools do, quietly (D178).
            return ExitOk;
        }
        catch (Exception e)
        {
            return CliErrors.Unexpected(result, error, e);
        }
    }
}
