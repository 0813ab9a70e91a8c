using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Runtime.InteropServices;
using TensorPool.Cli.Bench;
using TensorPool.Processes;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp bench …</c>: runs the separate tool <c>tp-bench</c> with the same arguments (docs/DECISIONS.md, D120). From the
/// <c>tp</c> executable it takes this process's place (<see cref="ProcessImage"/>), before anything is parsed, so
/// <c>tp bench --help</c> is tp-bench's help; without tp-bench, this command says how to install it.
/// </summary>
internal static class BenchCommand
{
    public const string Name = "bench";

    private const string Help = """

        The benchmark is the separate tool tp-bench (package TensorPool.Bench.Cli), so that tp carries no benchmark
        code and none of the plotting libraries' native code. tp bench runs it with the same arguments when it is
        installed beside tp or on the PATH, or named by TENSORPOOL_BENCH_PATH; ./build.sh bench runs it from a clone.
        With tp-bench installed, `tp bench --help` lists its options (--quick, --out, --sizes, --consumers, --json).

        Examples:
          dotnet tool install --global TensorPool.Bench.Cli
          tp bench --quick
          tp bench --sizes 64,1MiB --consumers 1 --out /tmp/bench

        Exit codes: those of tp-bench (0 measured and written; 1 a measure failed; 2 bad arguments);
        1 when tp-bench is not installed.
        """;

    public static Command Build()
    {
        var rest = new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore, Description = "tp-bench's arguments." };
        var command = new Command(Name, "Measure tp:ipc frames by payload size and consumer count against same-run baselines (runs the tp-bench tool).\n" + Help)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Arguments.Add(rest);
        command.SetAction(parse =>
        {
            // Every word after 'bench', in its order (options tp does not know are tp-bench's).
            int at = parse.Tokens.TakeWhile(t => t.Type != TokenType.Command || t.Value != Name).Count();
            string[] args = [.. parse.Tokens.Skip(at + 1).Select(t => t.Value)];
            return RunAsChild(args, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return command;
    }

    /// <summary>
    /// <c>tp bench …</c> from the <c>tp</c> executable: replaces this process with tp-bench when it is found. Returns false
    /// when it is not (the command then explains), and the exit code when the replacement itself failed.
    /// </summary>
    public static bool TryReplaceProcess(string[] args, out int exit)
    {
        exit = TpCommand.ExitFailure;
        if (args.Length == 0 || args[0] != Name || BenchTool.Find(out _) is not { } tool)
        {
            return false;
        }
        (string program, string[] arguments) = BenchTool.Command(tool, args[1..]);
        int errno = ProcessImage.Replace(program, arguments);
        Console.Error.WriteLine($"tp bench: could not run {program}: {Marshal.GetPInvokeErrorMessage(errno)}");
        return true;
    }

    /// <summary>In process (the command root called by code, not the tp executable): tp-bench as a child, its output relayed at its end.</summary>
    private static int RunAsChild(string[] args, TextWriter output, TextWriter error)
    {
        if (BenchTool.Find(out string? problem) is not { } tool)
        {
            error.WriteLine(BenchTool.NotInstalled(problem));
            return TpCommand.ExitFailure;
        }
        (string program, string[] arguments) = BenchTool.Command(tool, args);
        var startInfo = new ProcessStartInfo(program);
        foreach (string a in arguments)
        {
            startInfo.ArgumentList.Add(a);
        }
        using ChildProcess child = ChildProcess.Start(startInfo);
        child.TryWaitForExit(Timeout.InfiniteTimeSpan);
        output.Write(child.StandardOutput);
        error.Write(child.StandardError);
        return child.ExitCode;
    }
}
