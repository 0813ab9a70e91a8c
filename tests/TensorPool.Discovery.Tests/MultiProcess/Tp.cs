using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Discovery.Tests.MultiProcess;

/// <summary>`tp` as a child process, and bounded waits on what it prints (never timed).</summary>
internal static class Tp
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public static ChildProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return ChildProcess.Start(psi);
    }

    /// <summary>Run `tp` to its end; its exit code and output.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using ChildProcess tp = Start(args);
        int exit = tp.WaitForExit(Patience);
        return (exit, tp.StandardOutput, tp.StandardError);
    }

    /// <summary>`tp discover ... --json` again and again until <paramref name="done"/> holds for its objects.</summary>
    public static List<JsonElement> DiscoverUntil(string[] args, Func<int, List<JsonElement>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            (int exit, string output, string error) = Run(["discover", "--json", "--timeout", "5", .. args]);
            List<JsonElement> results = [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
            if (done(exit, results))
            {
                return results;
            }
            if (clock.Elapsed > Patience)
            {
                Assert.Fail($"gave up: tp discover {string.Join(' ', args)} exited {exit}:\n{output}\n{error}");
            }
            Thread.Sleep(200);
        }
    }

    public static string Name(JsonElement e) => e.GetProperty("dataSourceName").GetString()!;

    public static string[] Tags(JsonElement e) => [.. e.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];

    public static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
