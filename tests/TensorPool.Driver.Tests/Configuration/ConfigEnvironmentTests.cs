using TensorPool.Driver.Configuration;

namespace TensorPool.Driver.Tests.Configuration;

/// <summary>§17: environment variables (upper-cased key, '.' → '_') override the TOML file.</summary>
public sealed class ConfigEnvironmentTests
{
    private const string File = """
        [driver]
        control_stream_id = 1000
        [shm]
        require_hugepages = false
        [profiles.cam-a]
        header_nslots = 64
        payload_pools = [{ pool_id = 1, stride_bytes = 64 }]
        [streams.s]
        stream_id = 10000
        """;

    private static DriverOptions Load(params (string Name, string Value)[] env) =>
        DriverOptions.FromTomlText(File, "f.toml", env.ToDictionary(e => e.Name, e => e.Value));

    [Test]
    public void Variable_name_is_the_key_upper_cased_with_underscores_17()
    {
        Assert.That(DriverEnvironment.VariableFor("driver.control_stream_id"), Is.EqualTo("DRIVER_CONTROL_STREAM_ID"));
        Assert.That(DriverEnvironment.VariableFor("profiles.cam-a.header_nslots"), Is.EqualTo("PROFILES_CAM_A_HEADER_NSLOTS"));
    }

    [Test]
    public void Environment_overrides_the_file_17()
    {
        DriverOptions o = Load(("DRIVER_CONTROL_STREAM_ID", "2000"), ("SHM_REQUIRE_HUGEPAGES", "TRUE"));
        Assert.That(o.ControlStreamId, Is.EqualTo(2000));
        Assert.That(o.RequireHugepages, Is.True);
    }

    [Test]
    public void Environment_sets_keys_the_file_does_not_have()
    {
        DriverOptions o = Load(("POLICIES_SHUTDOWN_TOKEN", "tok"), ("DRIVER_STREAM_ID_RANGE", "20000-20999, 21000-21999"),
            ("SHM_ALLOWED_BASE_DIRS", "/dev/shm,/mnt/huge"), ("POLICIES_EPOCH_GC_MIN_AGE_NS", "42"), ("DRIVER_ANNOUNCE_STREAM_ID", "1001"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(o.ShutdownToken, Is.EqualTo("tok"));
            Assert.That(o.StreamIdRange, Is.EqualTo(new[] { new IdRange(20000, 20999), new IdRange(21000, 21999) }));
            Assert.That(o.AllowedBaseDirs, Is.EqualTo(new[] { "/dev/shm", "/mnt/huge" }));
            Assert.That(o.EffectiveEpochGcMinAgeNs, Is.EqualTo(42UL));
            Assert.That(o.EffectiveAnnounceStreamId, Is.EqualTo(1001));
        }
    }

    [Test]
    public void Environment_overrides_profile_and_stream_keys()
    {
        DriverOptions o = Load(("PROFILES_CAM_A_HEADER_NSLOTS", "128"), ("STREAMS_S_STREAM_ID", "10007"));
        Assert.That(o.Profiles.Single().HeaderNslots, Is.EqualTo(128));
        Assert.That(o.Streams.Single().StreamId, Is.EqualTo(10007));
    }

    [TestCase("DRIVER_CONTROL_STREAM_ID", "abc", "driver.control_stream_id", "integer")]
    [TestCase("DRIVER_CONTROL_STREAM_ID", "-5", "driver.control_stream_id", "integer")]
    [TestCase("SHM_PREFAULT", "x", null, null)]
    [TestCase("POLICIES_PREFAULT_SHM", "maybe", "policies.prefault_shm", "true or false")]
    [TestCase("DRIVER_STREAM_ID_RANGE", "1-2-3", "driver.stream_id_range", "start-end")]
    public void Bad_environment_value_names_the_variable(string name, string value, string? key, string? rule)
    {
        if (key is null)
        {
            Assert.DoesNotThrow(() => Load((name, value)), "a variable that is no key's is not ours to judge");
            return;
        }
        var e = Assert.Throws<DriverConfigurationException>(() => Load((name, value)))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Key, Is.EqualTo(key));
            Assert.That(e.Value, Is.EqualTo(value));
            Assert.That(e.Message, Does.Contain("environment variable " + name).Or.Contain("(from " + name + ")"));
            Assert.That(e.Rule, Does.Contain(rule));
        }
    }

    [Test]
    public void Validation_failure_of_an_environment_value_names_the_variable()
    {
        var e = Assert.Throws<DriverConfigurationException>(() => Load(("PROFILES_CAM_A_HEADER_NSLOTS", "100")))!;
        Assert.That(e.Message, Does.Contain("PROFILES_CAM_A_HEADER_NSLOTS").And.Contain("power of two"));
    }
}
