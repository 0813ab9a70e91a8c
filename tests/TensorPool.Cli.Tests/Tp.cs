using System.Diagnostics;
using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>Runs <c>tp</c> in process (the command root with captured output) or as a real process.</summary>
internal static class Tp
{
    /// <summary>In process, through the same parse and error path as the program (TpCommand.Run).</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = TpCommand.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary><c>tp shm inspect PATH --json</c>, expecting <paramref name="exit"/>; the parsed object.</summary>
    public static JsonElement Inspect(string path, int exit = TpCommand.ExitOk)
    {
        (int code, string output, string error) = Run("shm", "inspect", path, "--json");
        Assert.That(code, Is.EqualTo(exit), error + output);
        using JsonDocument doc = JsonDocument.Parse(output);
        return doc.RootElement.Clone();
    }

    /// <summary><c>dotnet tp.dll args…</c> in a child process.</summary>
    public static ChildProcess Start(params string[] args) => Start(redirectInput: false, args);

    /// <summary>
    /// <c>dotnet tp.dll args… --shm-dir DIR --namespace NS</c> in a child process whose standard input is a pipe the test
    /// holds (closing it stops <c>tp listen</c> and <c>tp status --watch</c>).
    /// </summary>
    public static ChildProcess StartIn(TempDirectory dir, string ns, params string[] args) =>
        Start(redirectInput: true, [.. args, "--shm-dir", dir.Path, "--namespace", ns]);

    private static ChildProcess Start(bool redirectInput, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = redirectInput };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return ChildProcess.Start(psi);
    }

    /// <summary>The committed slots of an inspect report, by index.</summary>
    public static Dictionary<uint, JsonElement> Slots(JsonElement report) =>
        report.GetProperty("slots").EnumerateArray().ToDictionary(s => s.GetProperty("index").GetUInt32());
}
