using System.Diagnostics;
using TensorPool.Testing;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>
/// `tp driver --config FILE` as a real child process, in a private directory (tp:ipc logs under ipc/, regions under
/// shm/, namespace "mp"), with its configuration written by the test.
/// </summary>
internal sealed class DriverProcess : IDisposable
{
    public const string Namespace = "mp";

    public DriverProcess(TempDirectory dir, string extraToml = "", string token = "secret", int graceIntervals = 3)
    {
        Dir = dir;
        IpcDir = Path.Combine(dir.Path, "ipc");
        ShmDir = Path.Combine(dir.Path, "shm");
        ConfigPath = Path.Combine(dir.Path, "driver.toml");
        File.WriteAllText(ConfigPath, $$"""
            [driver]
            ipc_base_dir = "{{IpcDir}}"
            [shm]
            base_dir = "{{ShmDir}}"
            namespace = "{{Namespace}}"
            permissions_mode = "600"
            [policies]
            announce_period_ms = 200
            lease_keepalive_interval_ms = 1000
            lease_expiry_grace_intervals = {{graceIntervals}}
            shutdown_token = "{{token}}"
            [profiles.p]
            header_nslots = 16
            payload_pools = [{ pool_id = 1, stride_bytes = 64 }, { pool_id = 2, stride_bytes = 1024 }]
            [streams.main]
            stream_id = 10000
            profile = "p"
            {{extraToml}}
            """);
    }

    public TempDirectory Dir { get; }

    public string IpcDir { get; }

    public string ShmDir { get; }

    public string ConfigPath { get; }

    public ChildProcess? Process { get; private set; }

    /// <summary>The client scenarios' first three arguments.</summary>
    public string[] ClientArgs(params string[] more) => [IpcDir, Namespace, ShmDir, .. more];

    public static string TpPath => Path.Combine(AppContext.BaseDirectory, "tp.dll");

    public static ChildProcess StartTp(params string[] args) => StartTp(new Dictionary<string, string>(), args);

    /// <summary><c>dotnet tp.dll args…</c> with <paramref name="environment"/> added to the child's environment.</summary>
    public static ChildProcess StartTp(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        foreach ((string name, string value) in environment)
        {
            psi.Environment[name] = value;
        }
        psi.ArgumentList.Add(TpPath);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return ChildProcess.Start(psi);
    }

    /// <summary>Start (or restart) the driver and wait for its ready line.</summary>
    public ChildProcess Start()
    {
        Process?.Dispose();
        Process = StartTp("driver", "--config", ConfigPath);
        Process.WaitForLine("tp driver:", TimeSpan.FromMinutes(2));
        return Process;
    }

    /// <summary>Lines of the driver's log containing <paramref name="text"/>.</summary>
    public int Count(string text) => Process!.StandardOutput.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    public void Dispose() => Process?.Dispose();
}

/// <summary>Waits on child output without a fixed delay: bounded, generous, never timed.</summary>
internal static class Wait
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public static void Until(Func<bool> condition, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                Assert.Fail("gave up waiting: " + what());
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>The lines of <paramref name="child"/>'s stdout that start with <paramref name="prefix"/>.</summary>
    public static string[] Lines(ChildProcess child, string prefix) =>
        [.. child.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];

    public static ulong[] Epochs(ChildProcess child) => [.. Lines(child, "epoch ").Select(l => ulong.Parse(l[6..], System.Globalization.CultureInfo.InvariantCulture))];
}
