using System.Runtime.InteropServices;

namespace TensorPool.Cli.Bench;

/// <summary>
/// Where <c>tp-bench</c> is, the separate tool that <c>tp bench</c> runs (docs/DECISIONS.md, D120): the benchmark code
/// and its plotting libraries are not part of <c>tp</c>.
/// </summary>
internal static class BenchTool
{
    public const string CommandName = "tp-bench";

    public const string PackageId = "TensorPool.Bench.Cli";

    /// <summary>Names tp-bench (its executable or <c>tp-bench.dll</c>); nothing else is tried when it is set.</summary>
    public const string EnvironmentVariable = "TENSORPOOL_BENCH_PATH";

    /// <summary>
    /// The first of: <c>$TENSORPOOL_BENCH_PATH</c>; <c>tp-bench.dll</c> in tp's own folder (a build output holding both);
    /// the <c>tp-bench</c> command beside the program that started tp (the tools folder of
    /// <c>dotnet tool install --tool-path DIR</c> or <c>--global</c>); <c>tp-bench</c> on the PATH. Null when none is
    /// there; <paramref name="problem"/> then says why when the variable names a missing file.
    /// </summary>
    public static string? Find(out string? problem)
    {
        problem = null;
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            if (File.Exists(configured))
            {
                return Path.GetFullPath(configured);
            }
            problem = $"{EnvironmentVariable} is '{configured}', which is not a file";
            return null;
        }
        string beside = Path.Combine(AppContext.BaseDirectory, CommandName + ".dll");
        if (File.Exists(beside))
        {
            return beside;
        }
        if (Path.GetDirectoryName(Environment.ProcessPath) is { Length: > 0 } starter && IsExecutable(Path.Combine(starter, CommandName)))
        {
            return Path.Combine(starter, CommandName);
        }
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, CommandName);
            if (IsExecutable(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }
        return null;
    }

    /// <summary>The program and arguments that run <paramref name="tool"/>: a <c>.dll</c> under the dotnet host running now.</summary>
    public static (string Program, string[] Arguments) Command(string tool, IEnumerable<string> args) =>
        tool.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? (DotnetHost(), [tool, .. args]) : (tool, [.. args]);

    /// <summary>One line for a user whose tp has no tp-bench to run.</summary>
    public static string NotInstalled(string? problem) =>
        $"tp bench: {problem ?? "the benchmark is the separate tool tp-bench, which is not installed"}: " +
        $"install it beside tp (dotnet tool install --global {PackageId}), or run ./build.sh bench from a clone, " +
        $"or set {EnvironmentVariable} to tp-bench or tp-bench.dll";

    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        // A framework-dependent app's runtime lives in <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        string root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        string host = Path.Combine(root, "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
