using System.Diagnostics;
using TensorPool.Testing;

namespace TensorPool.Packaging.Tests;

/// <summary>
/// Runs the dotnet CLI (or a program it installed) the way a user's shell would, isolated from this machine's
/// state: NuGet's package and HTTP caches point into the test's temporary folder (its other settings, such as
/// the registry of the user's NuGet.Config, still apply), MSBuild and compiler servers do not outlive the command, and nothing inherited from the test host (MSBuild variables,
/// TENSORPOOL_NATIVE_PATH, TENSORPOOL_BENCH_PATH) changes what is found.
/// </summary>
internal sealed class DotnetCli(string nugetRoot)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public (int Exit, string Out, string Err) Run(string workingDirectory, string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (string name in psi.Environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
                name == "TENSORPOOL_NATIVE_PATH" || name == "TENSORPOOL_BENCH_PATH" || name == "DOTNET_HOST_PATH")
            {
                psi.Environment.Remove(name);
            }
        }
        psi.Environment["NUGET_PACKAGES"] = Path.Combine(nugetRoot, "packages");
        psi.Environment["NUGET_HTTP_CACHE_PATH"] = Path.Combine(nugetRoot, "http-cache");
        psi.Environment["NUGET_PLUGINS_CACHE_PATH"] = Path.Combine(nugetRoot, "plugins-cache");
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["UseSharedCompilation"] = "false";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        using ChildProcess child = ChildProcess.Start(psi);
        int exit = child.WaitForExit(Timeout);
        return (exit, child.StandardOutput, child.StandardError);
    }

    /// <summary>Runs <paramref name="program"/> and fails the test, with its output, unless it exits 0.</summary>
    public string Check(string workingDirectory, string program, params string[] args)
    {
        (int exit, string output, string error) = Run(workingDirectory, program, args);
        Assert.That(exit, Is.Zero, $"{program} {string.Join(' ', args)} exited {exit}\nstdout:\n{output}\nstderr:\n{error}");
        return output;
    }
}
