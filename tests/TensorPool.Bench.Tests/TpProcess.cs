using System.Diagnostics;

namespace TensorPool.Bench.Tests;

/// <summary><c>dotnet tp.dll args…</c> as a real process, to its exit.</summary>
internal static class TpProcess
{
    public static (int Exit, string Out, string Err) Run(TimeSpan timeout, params string[] args) => Run(timeout, null, args);

    /// <summary>With <paramref name="environment"/> added to the child's environment.</summary>
    public static (int Exit, string Out, string Err) Run(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet");
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using TensorPool.Testing.ChildProcess tp = TensorPool.Testing.ChildProcess.Start(psi);
        int exit = tp.WaitForExit(timeout);
        return (exit, tp.StandardOutput, tp.StandardError);
    }
}
