using TensorPool.Testing;

namespace TensorPool.Discovery.Tests.MultiProcess;

/// <summary>
/// `tp driver` in a private base dir (tp:ipc logs and regions both under it) and namespace, with stream 10000 (and
/// whatever <paramref name="extraToml"/> adds), announcing every 200 ms.
/// </summary>
internal sealed class TpDriver : IDisposable
{
    public const uint AnnouncePeriodMs = 200;

    public TpDriver(string baseDir, string ns, string instanceId, string streamTags = "[]", string extraToml = "")
    {
        BaseDir = baseDir;
        Namespace = ns;
        InstanceId = instanceId;
        ConfigPath = Path.Combine(baseDir, $"driver-{ns}.toml");
        File.WriteAllText(ConfigPath, $$"""
            [driver]
            instance_id = "{{instanceId}}"
            ipc_base_dir = "{{baseDir}}"
            [shm]
            base_dir = "{{baseDir}}"
            namespace = "{{ns}}"
            permissions_mode = "600"
            [policies]
            announce_period_ms = {{AnnouncePeriodMs}}
            [profiles.p]
            header_nslots = 16
            payload_pools = [{ pool_id = 1, stride_bytes = 64 }, { pool_id = 2, stride_bytes = 1024 }]
            [streams.main]
            stream_id = 10000
            profile = "p"
            tags = {{streamTags}}
            {{extraToml}}
            """);
        Process = Tp.Start("driver", "--config", ConfigPath);
        Process.WaitForLine("tp driver:", Tp.Patience);
    }

    public string BaseDir { get; }

    public string Namespace { get; }

    public string InstanceId { get; }

    public string ConfigPath { get; }

    public ChildProcess Process { get; }

    /// <summary>`tp produce` through this driver: a frame every 20 ms for ten minutes (killed by the test).</summary>
    public ChildProcess Produce(uint stream, string name, string? tags = null)
    {
        List<string> args = ["produce", "--stream", Tp.I(stream), "--bytes", "64", "--rate", "50", "--seconds", "600",
            "--namespace", Namespace, "--shm-dir", BaseDir, "--driver-channel", "tp:ipc", "--name", name];
        if (tags is not null)
        {
            args.AddRange(["--meta", "tags=" + tags]);
        }
        return Tp.Start([.. args]);
    }

    public void Dispose() => Process.Dispose();
}
