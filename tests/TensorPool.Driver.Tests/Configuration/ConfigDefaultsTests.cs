using TensorPool.Driver.Configuration;

namespace TensorPool.Driver.Tests.Configuration;

/// <summary>Every canonical key of driver spec §17 is read with its default, and each example config loads.</summary>
public sealed class ConfigDefaultsTests
{
    internal const string MinimalProfile = """
        [profiles.p]
        payload_pools = [{ pool_id = 1, stride_bytes = 64 }]
        """;

    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Test]
    public void Every_canonical_key_has_its_17_default_when_absent()
    {
        DriverOptions o = DriverOptions.FromTomlText(MinimalProfile, "t.toml", NoEnvironment);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(o.InstanceId, Is.EqualTo("driver-01"));
            Assert.That(o.ControlChannel, Is.EqualTo("tp:ipc"), "tp:ipc replaces aeron:ipc?term-length=4m (DECISIONS)");
            Assert.That(o.ControlStreamId, Is.EqualTo(1000));
            Assert.That(o.EffectiveAnnounceChannel, Is.EqualTo(o.ControlChannel));
            Assert.That(o.EffectiveAnnounceStreamId, Is.EqualTo(o.ControlStreamId));
            Assert.That(o.QosChannel, Is.EqualTo("tp:ipc"));
            Assert.That(o.QosStreamId, Is.EqualTo(1200));
            Assert.That(o.AeronDir, Is.Empty);
            Assert.That(o.StreamIdRange, Is.Empty);
            Assert.That(o.DescriptorStreamIdRange, Is.Empty);
            Assert.That(o.ControlStreamIdRange, Is.Empty);
            Assert.That(o.ShmBaseDir, Is.EqualTo("/dev/shm/tensorpool"));
            Assert.That(o.RequireHugepages, Is.False);
            Assert.That(o.PageSizeBytes, Is.EqualTo(4096));
            Assert.That(o.PermissionsMode, Is.EqualTo("660"));
            Assert.That(o.EffectiveAllowedBaseDirs, Is.EqualTo(new[] { "/dev/shm/tensorpool" }));
            Assert.That(o.AllowDynamicStreams, Is.False);
            Assert.That(o.EffectiveDefaultProfile!.Name, Is.EqualTo("p"), "default profile: the first defined");
            Assert.That(o.AnnouncePeriodMs, Is.EqualTo(1000));
            Assert.That(o.LeaseKeepaliveIntervalMs, Is.EqualTo(1000));
            Assert.That(o.LeaseExpiryGraceIntervals, Is.EqualTo(3));
            Assert.That(o.PrefaultShm, Is.True);
            Assert.That(o.MlockShm, Is.False);
            Assert.That(o.EpochGcEnabled, Is.True);
            Assert.That(o.EpochGcKeep, Is.EqualTo(2));
            Assert.That(o.EffectiveEpochGcMinAgeNs, Is.EqualTo(3_000_000_000UL), "3 x announce period");
            Assert.That(o.EpochGcOnStartup, Is.False);
            Assert.That(o.ShutdownTimeoutMs, Is.EqualTo(2000));
            Assert.That(o.ShutdownToken, Is.Empty);
            Assert.That(o.Profiles.Single().HeaderNslots, Is.EqualTo(1024), "profiles.<name>.header_nslots default");
            Assert.That(o.Streams, Is.Empty);
            Assert.That(o.IpcBaseDir, Is.EqualTo("/dev/shm"));
            Assert.That(o.Namespace, Is.EqualTo("default"));
            Assert.That(o.NodeIdReuseCooldownMs, Is.EqualTo(1000));
        }
    }

    [Test]
    public void Every_key_is_read_when_present()
    {
        const string toml = """
            [driver]
            instance_id = "d7"
            control_channel = "tp:ipc?name=lab"
            control_stream_id = 2000
            announce_channel = "tp:ipc?name=lab2"
            announce_stream_id = 2001
            qos_channel = "tp:ipc?name=q"
            qos_stream_id = 2200
            aeron_dir = "/dev/shm/aeron"
            stream_id_range = "20000-29999"
            descriptor_stream_id_range = ["31000-31499", "31500-31999"]
            control_stream_id_range = "32000-32999"
            ipc_base_dir = "/dev/shm/ipc"
            [shm]
            base_dir = "/dev/shm/tp"
            namespace = "lab"
            require_hugepages = true
            page_size_bytes = 2097152
            permissions_mode = "600"
            allowed_base_dirs = ["/dev/shm", "/mnt/huge"]
            [policies]
            allow_dynamic_streams = true
            default_profile = "b"
            announce_period_ms = 250
            lease_keepalive_interval_ms = 100
            lease_expiry_grace_intervals = 5
            prefault_shm = false
            mlock_shm = true
            epoch_gc_enabled = false
            epoch_gc_keep = 4
            epoch_gc_min_age_ns = 123456789
            epoch_gc_on_startup = true
            shutdown_timeout_ms = 10
            shutdown_token = "s3cret"
            node_id_reuse_cooldown_ms = 7
            [profiles.a]
            header_nslots = 16
            payload_pools = [{ pool_id = 1, stride_bytes = 128 }]
            [profiles.b]
            header_nslots = 8
            [[profiles.b.payload_pools]]
            pool_id = 3
            stride_bytes = 64
            [[profiles.b.payload_pools]]
            pool_id = 4
            stride_bytes = 1024
            [streams.x]
            stream_id = 10000
            profile = "a"
            [streams.y]
            stream_id = 10001
            """;
        DriverOptions o = DriverOptions.FromTomlText(toml, "t.toml", NoEnvironment);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(o.InstanceId, Is.EqualTo("d7"));
            Assert.That(o.ControlChannel, Is.EqualTo("tp:ipc?name=lab"));
            Assert.That(o.ControlStreamId, Is.EqualTo(2000));
            Assert.That(o.EffectiveAnnounceChannel, Is.EqualTo("tp:ipc?name=lab2"));
            Assert.That(o.EffectiveAnnounceStreamId, Is.EqualTo(2001));
            Assert.That(o.QosChannel, Is.EqualTo("tp:ipc?name=q"));
            Assert.That(o.QosStreamId, Is.EqualTo(2200));
            Assert.That(o.AeronDir, Is.EqualTo("/dev/shm/aeron"));
            Assert.That(o.StreamIdRange, Is.EqualTo(new[] { new IdRange(20000, 29999) }));
            Assert.That(o.DescriptorStreamIdRange, Is.EqualTo(new[] { new IdRange(31000, 31499), new IdRange(31500, 31999) }));
            Assert.That(o.ControlStreamIdRange, Is.EqualTo(new[] { new IdRange(32000, 32999) }));
            Assert.That(o.IpcBaseDir, Is.EqualTo("/dev/shm/ipc"));
            Assert.That(o.ShmBaseDir, Is.EqualTo("/dev/shm/tp"));
            Assert.That(o.Namespace, Is.EqualTo("lab"));
            Assert.That(o.RequireHugepages, Is.True);
            Assert.That(o.PageSizeBytes, Is.EqualTo(2097152));
            Assert.That(o.PermissionsMode, Is.EqualTo("600"));
            Assert.That(o.AllowedBaseDirs, Is.EqualTo(new[] { "/dev/shm", "/mnt/huge" }));
            Assert.That(o.AllowDynamicStreams, Is.True);
            Assert.That(o.EffectiveDefaultProfile!.Name, Is.EqualTo("b"));
            Assert.That(o.AnnouncePeriodMs, Is.EqualTo(250));
            Assert.That(o.LeaseKeepaliveIntervalMs, Is.EqualTo(100));
            Assert.That(o.LeaseExpiryGraceIntervals, Is.EqualTo(5));
            Assert.That(o.PrefaultShm, Is.False);
            Assert.That(o.MlockShm, Is.True);
            Assert.That(o.EpochGcEnabled, Is.False);
            Assert.That(o.EpochGcKeep, Is.EqualTo(4));
            Assert.That(o.EffectiveEpochGcMinAgeNs, Is.EqualTo(123456789UL));
            Assert.That(o.EpochGcOnStartup, Is.True);
            Assert.That(o.ShutdownTimeoutMs, Is.EqualTo(10));
            Assert.That(o.ShutdownToken, Is.EqualTo("s3cret"));
            Assert.That(o.NodeIdReuseCooldownMs, Is.EqualTo(7));
            Assert.That(o.Profiles.Select(p => p.Name), Is.EqualTo(new[] { "a", "b" }), "file order is kept");
            Assert.That(o.Profiles[1].PayloadPools, Is.EqualTo(new[] { new PayloadPoolDefinition(3, 64), new PayloadPoolDefinition(4, 1024) }));
            Assert.That(o.Streams, Is.EqualTo(new[] { new StreamDefinition("x", 10000, "a"), new StreamDefinition("y", 10001, null) }));
        }
    }

    [TestCase("driver-camera.toml", 1, 1)]
    [TestCase("driver-multi-stream.toml", 2, 4)]
    [TestCase("driver-dynamic-streams.toml", 1, 1)]
    public void Example_config_loads(string file, int profiles, int streams)
    {
        DriverOptions o = DriverOptions.FromToml(Path.Combine(AppContext.BaseDirectory, "Examples", file), NoEnvironment);
        Assert.That(o.Profiles, Has.Count.EqualTo(profiles));
        Assert.That(o.Streams, Has.Count.EqualTo(streams));
    }

    [Test]
    public void Permissions_mode_sets_file_and_directory_modes()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(PermissionsMode.TryParse("660", out uint file, out uint dir, out _), Is.True);
            Assert.That(Convert.ToString(file, 8), Is.EqualTo("660"));
            Assert.That(Convert.ToString(dir, 8), Is.EqualTo("2770"));
            Assert.That(PermissionsMode.TryParse("0600", out file, out dir, out _), Is.True);
            Assert.That(Convert.ToString(file, 8), Is.EqualTo("600"));
            Assert.That(Convert.ToString(dir, 8), Is.EqualTo("700"));
            Assert.That(PermissionsMode.TryParse("640", out _, out dir, out _), Is.True);
            Assert.That(Convert.ToString(dir, 8), Is.EqualTo("2750"));
            Assert.That(PermissionsMode.TryParse("644", out _, out dir, out _), Is.True);
            Assert.That(Convert.ToString(dir, 8), Is.EqualTo("2755"));
        }
    }
}
