using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>Runs <c>tp</c> in process (the command root with captured output) or as a real process.</summary>
internal static class Tp
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = TpCommand.Build().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
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
    public static ChildProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet");
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
