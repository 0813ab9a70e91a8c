using System.Diagnostics;

namespace TensorPool.Testing;

/// <summary>
/// The tests' child process: <see cref="Processes.ChildProcess"/> (output captured line by line, dispose kills the
/// process tree) started as a test runner should start it, with the default SIGINT and SIGQUIT (D82), plus TestHost
/// scenarios (<c>dotnet TensorPool.TestHost.dll scenario args…</c>).
/// </summary>
public sealed class ChildProcess : Processes.ChildProcess
{
    private static readonly Processes.ChildProcessOptions TestOptions = new() { RestoreDefaultSignals = true };

    private ChildProcess(ProcessStartInfo startInfo)
        : base(startInfo, TestOptions)
    {
    }

    /// <summary>Path of the TestHost assembly built beside the test assemblies.</summary>
    public static string TestHostPath
    {
        get
        {
            string beside = Path.Combine(AppContext.BaseDirectory, "TensorPool.TestHost.dll");
            if (File.Exists(beside))
            {
                return beside;
            }
            string built = Path.Combine(RepoPaths.Root, "tests", "TensorPool.TestHost", "bin", RepoPaths.Configuration,
                "net10.0", "TensorPool.TestHost.dll");
            if (File.Exists(built))
            {
                return built;
            }
            throw new FileNotFoundException("TensorPool.TestHost.dll is not built; build the solution first.", built);
        }
    }

    /// <summary>Start a TestHost scenario in a new process (standard input redirected).</summary>
    public static ChildProcess StartScenario(string scenario, params string[] args)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        startInfo.ArgumentList.Add(TestHostPath);
        startInfo.ArgumentList.Add(scenario);
        foreach (string a in args)
        {
            startInfo.ArgumentList.Add(a);
        }
        return new ChildProcess(startInfo);
    }

    /// <summary>Start any program with captured output (standard input redirected only when asked).</summary>
    public static ChildProcess Start(ProcessStartInfo startInfo) => new(startInfo);
}
