using System.Text;
using TensorPool.Driver.Configuration;

namespace TensorPool.Fuzz.Targets;

/// <summary>
/// <c>driver-toml</c>: the driver's TOML configuration (driver spec §17) as <c>tp driver --config</c> reads it, with no
/// environment overrides. The only failure allowed is a <see cref="DriverConfigurationException"/> naming a key (or
/// the syntax error); an accepted configuration's lease expiry and GC age are positive (no overflow, D172).
/// </summary>
internal sealed class DriverTomlTarget(string repoRoot) : IFuzzTarget
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    public string Name => "driver-toml";

    public IEnumerable<byte[]> Seeds(Random random)
    {
        string examples = Path.Combine(repoRoot, "docs", "examples");
        if (Directory.Exists(examples))
        {
            foreach (string file in Directory.EnumerateFiles(examples, "*.toml").Order(StringComparer.Ordinal))
            {
                yield return File.ReadAllBytes(file);
            }
        }
        yield return Encoding.UTF8.GetBytes(EveryKey);
    }

    public byte[]? Generate(Random random) => null;

    public string Run(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        try
        {
            DriverOptions o = DriverOptions.FromTomlText(text, "fuzz.toml", NoEnvironment);
            if (o.LeaseExpiryNs <= 0 || o.EffectiveEpochGcMinAgeNs > long.MaxValue)
            {
                throw new FuzzFindingException($"accepted a lease expiry of {o.LeaseExpiryNs} ns, GC age {o.EffectiveEpochGcMinAgeNs} ns");
            }
            return "ok";
        }
        catch (DriverConfigurationException e)
        {
            return "rejected:" + e.Key;
        }
    }

    /// <summary>Every key of §17 with a valid value: mutations of it reach every reader.</summary>
    private const string EveryKey = """
        [driver]
        instance_id = "fuzz"
        control_channel = "tp:ipc"
        control_stream_id = 1000
        announce_channel = "tp:ipc"
        announce_stream_id = 1001
        qos_channel = "tp:ipc"
        qos_stream_id = 1200
        aeron_dir = ""
        stream_id_range = "20000-29999"
        descriptor_stream_id_range = ["30000-30999", "31000-31999"]
        control_stream_id_range = "40000-40999"
        ipc_base_dir = "/dev/shm"

        [shm]
        base_dir = "/dev/shm"
        namespace = "default"
        require_hugepages = false
        page_size_bytes = 4096
        permissions_mode = "660"
        allowed_base_dirs = ["/dev/shm"]

        [policies]
        allow_dynamic_streams = true
        default_profile = "camera"
        announce_period_ms = 1000
        lease_keepalive_interval_ms = 1000
        lease_expiry_grace_intervals = 3
        prefault_shm = true
        mlock_shm = false
        epoch_gc_enabled = true
        epoch_gc_keep = 2
        epoch_gc_min_age_ns = 3000000000
        epoch_gc_on_startup = true
        shutdown_timeout_ms = 2000
        shutdown_token = "secret"
        node_id_reuse_cooldown_ms = 1000

        [profiles.camera]
        header_nslots = 64
        payload_pools = [{ pool_id = 1, stride_bytes = 1048576 }, { pool_id = 2, stride_bytes = 4096 }]

        [[profiles.small.payload_pools]]
        pool_id = 1
        stride_bytes = 64

        [streams.cam0]
        stream_id = 10000
        profile = "camera"
        """;

    /// <summary>TOML syntax and the key names, for the mutator to insert.</summary>
    public static IReadOnlyList<byte[]> Dictionary { get; } = [.. new[]
    {
        "[", "]", "[[", "]]", "=", "\"", "'", "\n", "{", "}", ",", ".", "#", "\"\"\"", "'''", "\\u0000", "\\",
        "true", "false", "4294967295", "4294967296", "-1", "0", "1e400", "nan", "inf", "0x10", "0o777", "1_000",
        "1979-05-27T07:32:00Z", "[driver]", "[shm]", "[policies]", "[profiles.p]", "[streams.s]", "lease_keepalive_interval_ms",
        "lease_expiry_grace_intervals", "announce_period_ms", "header_nslots", "payload_pools", "stride_bytes", "pool_id",
        "stream_id", "profile", "namespace", "base_dir", "permissions_mode", "stream_id_range", "\"1-2\"", "\"5-1\"",
        "allowed_base_dirs", "epoch_gc_min_age_ns", "18446744073709551615", "9223372036854775808",
    }.Select(Encoding.UTF8.GetBytes)];
}
