using TensorPool.Driver.Configuration;

namespace TensorPool.Driver.Tests.Configuration;

/// <summary>Every invalid configuration fails with a message naming the key, its value and the rule.</summary>
public sealed class ConfigErrorTests
{
    private const string Profile = ConfigDefaultsTests.MinimalProfile;

    private static DriverConfigurationException Fails(string toml, IReadOnlyDictionary<string, string>? env = null) =>
        Assert.Throws<DriverConfigurationException>(() => DriverOptions.FromTomlText(toml, "bad.toml", env ?? new Dictionary<string, string>()))!;

    private static void AssertNames(DriverConfigurationException e, string key, string? value, string rulePart)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Key, Is.EqualTo(key));
            Assert.That(e.Value, Is.EqualTo(value));
            Assert.That(e.Rule, Does.Contain(rulePart));
            Assert.That(e.Message, Does.StartWith(key));
            if (value is not null)
            {
                Assert.That(e.Message, Does.Contain($"'{value}'"));
            }
            Assert.That(e.Message, Does.Contain(rulePart));
        }
    }

    [Test]
    public void Unknown_profile_of_a_stream_17()
    {
        var e = Fails(Profile + "\n[streams.s]\nstream_id = 10000\nprofile = \"nope\"\n");
        AssertNames(e, "streams.s.profile", "nope", "names no defined profile");
    }

    [Test]
    public void Unknown_default_profile_17()
    {
        var e = Fails("[policies]\ndefault_profile = \"ghost\"\n" + Profile);
        AssertNames(e, "policies.default_profile", "ghost", "names no defined profile");
    }

    [Test]
    public void Header_nslots_not_a_power_of_two()
    {
        var e = Fails("[profiles.p]\nheader_nslots = 1000\npayload_pools = [{ pool_id = 1, stride_bytes = 64 }]\n");
        AssertNames(e, "profiles.p.header_nslots", "1000", "power of two");
    }

    [TestCase(100u)]
    [TestCase(0u)]
    public void Stride_not_a_positive_multiple_of_64(uint stride)
    {
        var e = Fails($"[profiles.p]\npayload_pools = [{{ pool_id = 1, stride_bytes = {stride} }}]\n");
        AssertNames(e, "profiles.p.payload_pools.stride_bytes", stride.ToString(System.Globalization.CultureInfo.InvariantCulture), "multiple of 64");
    }

    [Test]
    public void Empty_pools_4_3()
    {
        var e = Fails("[profiles.p]\npayload_pools = []\n");
        AssertNames(e, "profiles.p.payload_pools", "[]", "at least one pool");
    }

    [Test]
    public void Missing_pools()
    {
        var e = Fails("[profiles.p]\nheader_nslots = 64\n");
        AssertNames(e, "profiles.p.payload_pools", null, "is required");
    }

    [Test]
    public void Duplicate_pool_id()
    {
        var e = Fails("[profiles.p]\npayload_pools = [{ pool_id = 1, stride_bytes = 64 }, { pool_id = 1, stride_bytes = 128 }]\n");
        AssertNames(e, "profiles.p.payload_pools.pool_id", "1", "unique");
    }

    [Test]
    public void No_profile_at_all_17()
    {
        var e = Fails("[driver]\ninstance_id = \"x\"\n");
        AssertNames(e, "profiles", null, "at least one profile");
    }

    [TestCase("[driver]\ncontrol_stream_idd = 1\n", "driver.control_stream_idd", "1")]
    [TestCase("[shm]\nbasedir = \"/x\"\n", "shm.basedir", "/x")]
    [TestCase("[policies]\nshutdown = true\n", "policies.shutdown", "true")]
    [TestCase("[drivers]\nx = 1\n", "drivers", "{...}")]
    [TestCase("top = 1\n", "top", "1")]
    [TestCase("[profiles.p]\npayload_pools = [{ pool_id = 1, stride_bytes = 64, extra = 2 }]\n", "profiles.p.payload_pools.extra", "2")]
    [TestCase("[profiles.q]\nnslots = 8\npayload_pools = [{ pool_id = 1, stride_bytes = 64 }]\n", "profiles.q.nslots", "8")]
    public void Unknown_key_is_an_error(string section, string key, string value)
    {
        var e = Fails(section + (section.Contains("[profiles", StringComparison.Ordinal) ? "" : Profile));
        AssertNames(e, key, value, "is not a known key");
    }

    [TestCase("[driver]\ncontrol_stream_id = \"1000\"\n", "driver.control_stream_id", "1000", "must be an integer, not a string")]
    [TestCase("[driver]\ncontrol_stream_id = -1\n", "driver.control_stream_id", "-1", "from 0 to 4294967295")]
    [TestCase("[driver]\ncontrol_stream_id = 4294967296\n", "driver.control_stream_id", "4294967296", "from 0 to 4294967295")]
    [TestCase("[driver]\ninstance_id = 7\n", "driver.instance_id", "7", "must be a string, not an integer")]
    [TestCase("[shm]\nrequire_hugepages = \"yes\"\n", "shm.require_hugepages", "yes", "true or false")]
    [TestCase("[shm]\nallowed_base_dirs = \"/dev/shm\"\n", "shm.allowed_base_dirs", "/dev/shm", "an array of strings")]
    [TestCase("[policies]\nannounce_period_ms = 1.5\n", "policies.announce_period_ms", "1.5", "not a float")]
    [TestCase("[driver]\nstream_id_range = 20000\n", "driver.stream_id_range", "20000", "\"start-end\" string")]
    [TestCase("[driver]\nstream_id_range = \"20000-abc\"\n", "driver.stream_id_range", "20000-abc", "start-end")]
    [TestCase("driver = 5\n", "driver", "5", "must be a table")]
    public void Wrong_type_is_an_error(string section, string key, string value, string rule)
    {
        var e = Fails(section + Profile);
        AssertNames(e, key, value, rule);
    }

    [Test]
    public void Pool_id_out_of_u16_range()
    {
        var e = Fails("[profiles.p]\npayload_pools = [{ pool_id = 70000, stride_bytes = 64 }]\n");
        AssertNames(e, "profiles.p.payload_pools.pool_id", "70000", "from 0 to 65535");
    }

    [Test]
    public void Overlapping_ranges_11()
    {
        var e = Fails("[driver]\nstream_id_range = \"20000-29999\"\ndescriptor_stream_id_range = \"29000-31000\"\n" + Profile);
        AssertNames(e, "driver.descriptor_stream_id_range", "29000-31000", "overlaps driver.stream_id_range 20000-29999");
    }

    [Test]
    public void Overlapping_ranges_within_one_key_11()
    {
        var e = Fails("[driver]\ncontrol_stream_id_range = [\"32000-32500\", \"32400-32999\"]\n" + Profile);
        AssertNames(e, "driver.control_stream_id_range", "32400-32999", "overlaps driver.control_stream_id_range 32000-32500");
    }

    [Test]
    public void Range_start_after_end_11()
    {
        var e = Fails("[driver]\nstream_id_range = \"29999-20000\"\n" + Profile);
        AssertNames(e, "driver.stream_id_range", "29999-20000", "start must not exceed end");
    }

    [TestCase("control_stream_id = 20500", "driver.control_stream_id 20500")]
    [TestCase("announce_stream_id = 20500", "driver.announce_stream_id 20500")]
    [TestCase("qos_stream_id = 20500", "driver.qos_stream_id 20500")]
    public void Range_containing_a_control_plane_stream_11(string line, string rule)
    {
        var e = Fails($"[driver]\n{line}\nstream_id_range = \"20000-20999\"\n" + Profile);
        AssertNames(e, "driver.stream_id_range", "20000-20999", "contains " + rule);
    }

    [Test]
    public void Range_containing_a_static_stream_11()
    {
        var e = Fails("[driver]\nstream_id_range = \"10000-10999\"\n" + Profile + "\n[streams.cam]\nstream_id = 10042\n");
        AssertNames(e, "driver.stream_id_range", "10000-10999", "contains streams.cam.stream_id 10042");
    }

    [Test]
    public void Dynamic_streams_without_a_range_11()
    {
        var e = Fails("[policies]\nallow_dynamic_streams = true\n" + Profile);
        AssertNames(e, "driver.stream_id_range", "", "must not be empty when policies.allow_dynamic_streams = true");
    }

    [Test]
    public void Duplicate_static_stream_id()
    {
        var e = Fails(Profile + "\n[streams.a]\nstream_id = 10000\n[streams.b]\nstream_id = 10000\n");
        AssertNames(e, "streams.b.stream_id", "10000", "already used by streams.a");
    }

    [Test]
    public void Stream_without_id()
    {
        var e = Fails(Profile + "\n[streams.a]\nprofile = \"p\"\n");
        AssertNames(e, "streams.a.stream_id", null, "is required");
    }

    [TestCase("\"66\"", "3 or 4 octal digits")]
    [TestCase("\"689\"", "3 or 4 octal digits")]
    [TestCase("\"460\"", "owner read and write")]
    [TestCase("\"4660\"", "setuid")]
    [TestCase("\"770\"", "execute bits")]
    public void Bad_permissions_mode(string value, string rule)
    {
        var e = Fails($"[shm]\npermissions_mode = {value}\n" + Profile);
        AssertNames(e, "shm.permissions_mode", value.Trim('"'), rule);
    }

    [TestCase("base_dir = \"relative/dir\"", "shm.base_dir", "relative/dir", "absolute path")]
    [TestCase("base_dir = \"/dev/shm/../etc\"", "shm.base_dir", "/dev/shm/../etc", "'..'")]
    [TestCase("base_dir = \"/srv/tp\"\nallowed_base_dirs = [\"/dev/shm\"]", "shm.base_dir", "/srv/tp", "inside one of shm.allowed_base_dirs")]
    [TestCase("namespace = \".hidden\"", "shm.namespace", ".hidden", "not starting with '.'")]
    [TestCase("page_size_bytes = 1000", "shm.page_size_bytes", "1000", "power of two")]
    public void Bad_shm_settings(string lines, string key, string value, string rule)
    {
        var e = Fails($"[shm]\n{lines}\n" + Profile);
        AssertNames(e, key, value, rule);
    }

    [TestCase("announce_period_ms = 0", "policies.announce_period_ms")]
    [TestCase("lease_keepalive_interval_ms = 0", "policies.lease_keepalive_interval_ms")]
    [TestCase("lease_expiry_grace_intervals = 0", "policies.lease_expiry_grace_intervals")]
    [TestCase("epoch_gc_keep = 0", "policies.epoch_gc_keep")]
    public void Zero_periods_and_counts(string line, string key)
    {
        var e = Fails($"[policies]\n{line}\n" + Profile);
        AssertNames(e, key, "0", "at least 1");
    }

    [TestCase("announce_period_ms = 60001", "policies.announce_period_ms", "60001", "at most 60000")]
    [TestCase("lease_keepalive_interval_ms = 3600001", "policies.lease_keepalive_interval_ms", "3600001", "at most 3600000")]
    [TestCase("lease_expiry_grace_intervals = 1001", "policies.lease_expiry_grace_intervals", "1001", "at most 1000")]
    [TestCase("shutdown_timeout_ms = 3600001", "policies.shutdown_timeout_ms", "3600001", "at most 3600000")]
    [TestCase("node_id_reuse_cooldown_ms = 86400001", "policies.node_id_reuse_cooldown_ms", "86400001", "at most 86400000")]
    [TestCase("epoch_gc_min_age_ns = 31536000000000001", "policies.epoch_gc_min_age_ns", "31536000000000001", "at most 31536000000000000")]
    public void Durations_are_bounded_so_no_product_overflows_D172(string line, string key, string value, string rule)
    {
        var e = Fails($"[policies]\n{line}\n" + Profile);
        AssertNames(e, key, value, rule);
    }

    /// <summary>The values: interval × grace × 10⁶ wrapped negative and every lease expired at once.</summary>
    [Test]
    public void Lease_expiry_of_interval_times_grace_is_bounded_4_4()
    {
        var e = Fails("[policies]\nlease_keepalive_interval_ms = 4294967295\nlease_expiry_grace_intervals = 4294967295\n" + Profile);
        Assert.That(e.Key, Does.StartWith("policies.lease_"));
        e = Fails("[policies]\nlease_keepalive_interval_ms = 3600000\nlease_expiry_grace_intervals = 1000\n" + Profile);
        AssertNames(e, "policies.lease_expiry_grace_intervals", "1000", "must be at most 86400000 ms");
        DriverOptions longest = DriverOptions.FromTomlText("[policies]\nlease_keepalive_interval_ms = 86400\nlease_expiry_grace_intervals = 1000\n" + Profile,
            "t.toml", new Dictionary<string, string>());
        Assert.That(longest.LeaseExpiryNs, Is.EqualTo(86_400_000L * 1_000_000L));
    }

    [TestCase("", 1000u, "driver.control_stream_id")]
    [TestCase("[driver]\nannounce_stream_id = 1100\n", 1100u, "driver.announce_stream_id")]
    [TestCase("", 1200u, "driver.qos_stream_id")]
    public void Control_announce_and_qos_stream_ids_are_refused_as_pool_stream_ids_D177(string driver, uint id, string reserved)
    {
        var e = Fails(driver + Profile + $"\n[streams.s]\nstream_id = {id}\nprofile = \"p\"\n");
        AssertNames(e, "streams.s.stream_id", id.ToString(System.Globalization.CultureInfo.InvariantCulture), reserved);
    }

    [Test]
    public void Duplicate_key_is_refused_naming_the_line_of_the_second_D173()
    {
        var e = Fails("[driver]\ninstance_id = \"a\"\ninstance_id = \"b\"\n" + Profile);
        Assert.That(e.Message, Does.StartWith("bad.toml: not valid TOML"));
        Assert.That(e.Message, Does.Contain("(3,"));
        Assert.That(e.Message, Does.Contain("instance_id"));
    }

    [Test]
    public void Duplicate_table_is_refused_naming_the_line_of_the_second_D173()
    {
        var e = Fails("[shm]\nnamespace = \"a\"\n" + Profile + "\n[shm]\nbase_dir = \"/dev/shm\"\n");
        Assert.That(e.Message, Does.StartWith("bad.toml: not valid TOML"));
        int line = ("[shm]\nnamespace = \"a\"\n" + Profile + "\n").Split('\n').Length;
        Assert.That(e.Message, Does.Contain($"({line},"));
    }

    [Test]
    public void Bad_channel_names_the_key()
    {
        var e = Fails("[driver]\ncontrol_channel = \"not a uri\"\n" + Profile);
        AssertNames(e, "driver.control_channel", "not a uri", "is not a channel URI");
    }

    [Test]
    public void Zero_stream_ids_are_refused()
    {
        var e = Fails("[driver]\ncontrol_stream_id = 0\n" + Profile);
        AssertNames(e, "driver.control_stream_id", "0", "non-zero");
    }

    [Test]
    public void Syntax_error_names_file_line_and_column()
    {
        var e = Fails("[driver]\ncontrol_stream_id = \n" + Profile);
        Assert.That(e.Message, Does.StartWith("bad.toml: not valid TOML"));
        Assert.That(e.Message, Does.Contain("(2,"));
    }

    /// <summary>Found by the driver-toml fuzz target: the TOML parser threw ArgumentOutOfRangeException on a surrogate escape.</summary>
    [TestCase("[driver]\ninstance_id = \"\\uD800\"\n")]
    [TestCase("[driver]\ninstance_id = \"\\UDFFF0000\"\n")]
    [TestCase("[driver]\ninstance_id = \"\\U00110000\"\n")]
    public void Surrogate_or_out_of_range_escape_is_a_syntax_error_not_a_crash(string toml)
    {
        var e = Fails(toml + Profile);
        Assert.That(e.Message, Does.StartWith("bad.toml: not valid TOML"));
    }

    [Test]
    public void Missing_file_names_the_path()
    {
        var e = Assert.Throws<DriverConfigurationException>(() => DriverOptions.FromToml("/nonexistent/driver.toml"))!;
        Assert.That(e.Message, Does.Contain("/nonexistent/driver.toml").And.Contain("cannot be read"));
    }

    [Test]
    public void Hostile_values_are_quoted_with_control_characters_escaped()
    {
        var e = Fails("[driver]\ninstance_id = \"a\\nINFO forged\"\n" + Profile);
        Assert.That(e.Message, Does.Not.Contain("\n"));
        Assert.That(e.Message, Does.Contain("\\u000a"));
    }
}
