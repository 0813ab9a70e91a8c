using System.Diagnostics;
using System.Globalization;
using TensorPool.Testing;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>
/// A driver, a pattern producer and a checking consumer, each a TestHost process (CrashScenarios), any of which can be
/// armed with <c>TP_FAULT_AT</c> (D205). Short leases (250 ms × 12 = 3 s) keep the matrix quick; waits stay generous.
/// </summary>
internal sealed class CrashRig : IDisposable
{
    public const string Namespace = "crash";
    public const uint Stream = 10000;

    private readonly TempDirectory _dir = new();
    private readonly string _config;

    public CrashRig()
    {
        IpcDir = Path.Combine(_dir.Path, "ipc");
        ShmDir = Path.Combine(_dir.Path, "shm");
        _config = Path.Combine(_dir.Path, "driver.toml");
        File.WriteAllText(_config, $$"""
            [driver]
            ipc_base_dir = "{{IpcDir}}"
            [shm]
            base_dir = "{{ShmDir}}"
            namespace = "{{Namespace}}"
            permissions_mode = "600"
            [policies]
            announce_period_ms = 200
            lease_keepalive_interval_ms = 250
            lease_expiry_grace_intervals = 12
            [profiles.p]
            header_nslots = 16
            payload_pools = [{ pool_id = 1, stride_bytes = 64 }, { pool_id = 2, stride_bytes = 1024 }]
            [streams.main]
            stream_id = {{Stream}}
            profile = "p"
            """);
    }

    public string IpcDir { get; }

    public string ShmDir { get; }

    public ChildProcess? Driver { get; private set; }

    public ChildProcess? Producer { get; private set; }

    public ChildProcess? Consumer { get; private set; }

    /// <summary>Every process this rig started, for the failure message (and disposal).</summary>
    public List<(string Name, ChildProcess Child)> Started { get; } = [];

    /// <summary>Every driver log so far, the dead ones' included.</summary>
    public string DriverLogs => string.Join("\n", Started.Where(s => s.Name == "driver").Select(s => s.Child.StandardOutput));

    public ChildProcess StartDriver(string? fault)
    {
        Driver = Scenario("driver", fault, "crash-driver", _config);
        Driver.WaitForLine("driver ready", Wait.Patience);
        return Driver;
    }

    public ChildProcess StartProducer(string? fault, string mode = "claim") =>
        Producer = Scenario("producer", fault, "crash-produce", IpcDir, Namespace, ShmDir, Stream.ToString(CultureInfo.InvariantCulture), mode);

    public ChildProcess StartConsumer(string? fault) =>
        Consumer = Scenario("consumer", fault, "crash-consume", IpcDir, Namespace, ShmDir, Stream.ToString(CultureInfo.InvariantCulture));

    /// <summary>Epochs a client printed (<c>attached E</c> of a producer, <c>epoch E</c> lines).</summary>
    public static ulong[] Epochs(ChildProcess? child, bool producer) => child is null ? [] :
        [.. Wait.Epochs(child), .. producer ? Wait.Lines(child, "attached ").Select(l => ulong.Parse(l[9..], CultureInfo.InvariantCulture)) : []];

    /// <summary>A human account of every process, for failure messages.</summary>
    public string Report() => string.Join("\n", Started.Select(s =>
        $"== {s.Name} (pid {s.Child.Id}{(s.Child.HasExited ? $", exit {s.Child.ExitCode}" : "")})\n{s.Child.Output()}"));

    public void Dispose()
    {
        foreach ((_, ChildProcess child) in Started)
        {
            child.Dispose();
        }
        _dir.Dispose();
    }

    private ChildProcess Scenario(string name, string? fault, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(ChildProcess.TestHostPath);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment.Remove("TP_FAULT_AT");
        if (fault is not null)
        {
            psi.Environment["TP_FAULT_AT"] = fault;
        }
        ChildProcess child = ChildProcess.Start(psi);
        Started.Add((name, child));
        return child;
    }
}
