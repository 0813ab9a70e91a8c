using TensorPool.Discovery.Configuration;
using TensorPool.Driver.Configuration;

namespace TensorPool.Discovery.Tests.Configuration;

/// <summary>
/// The registry file (the reference's discovery_example.toml keys, read as they are) and its extension to several
/// drivers; the driver file's [discovery] section and [streams.*] tags. Errors name the key, the value and the rule.
/// </summary>
public sealed class RegistryConfigTests
{
    /// <summary>Every key of the reference's discovery_example.toml, with its values.</summary>
    private const string ReferenceForm = """
        # Discovery service config (standalone registry)
        [discovery]
        request_channel = "aeron:ipc?term-length=4m"
        request_stream_id = 9000
        announce_channel = "aeron:ipc?term-length=4m"
        announce_stream_id = 1001
        metadata_channel = "aeron:ipc?term-length=4m"
        metadata_stream_id = 1300
        driver_instance_id = "driver-example"
        driver_control_channel = "aeron:ipc?term-length=4m"
        driver_control_stream_id = 1000
        announce_period_ms = 1000
        max_results = 1000

        [driver]
        aeron_dir = ""
        """;

    [Test]
    public void The_reference_registry_file_is_read_as_it_is_keys_and_meaning()
    {
        DiscoveryRegistryOptions o = DiscoveryRegistryOptions.FromTomlText(ReferenceForm, "discovery_example.toml");
        Assert.That((o.RequestChannel, o.RequestStreamId), Is.EqualTo(("aeron:ipc?term-length=4m", 9000u)));
        DriverSourceOptions d = o.Drivers.Single();
        Assert.That((d.InstanceId, d.ControlChannel, d.ControlStreamId), Is.EqualTo(("driver-example", "aeron:ipc?term-length=4m", 1000u)));
        Assert.That((d.EffectiveAnnounceChannel, d.EffectiveAnnounceStreamId), Is.EqualTo(("aeron:ipc?term-length=4m", 1001u)));
        Assert.That((d.EffectiveMetadataChannel, d.EffectiveMetadataStreamId), Is.EqualTo(("aeron:ipc?term-length=4m", 1300u)));
        Assert.That((o.Provider.AnnouncePeriodMs, o.Provider.MaxResults, o.Provider.ExpiryNs), Is.EqualTo((1000u, 1000u, 3_000_000_000L)),
            "expiry 3 x announce_period_ms (§6.2)");
        Assert.That(o.AeronDir, Is.Empty);
    }

    [Test]
    public void Several_drivers_come_in_discovery_drivers_tables_with_their_stream_tags()
    {
        DiscoveryRegistryOptions o = DiscoveryRegistryOptions.FromTomlText("""
            [discovery]
            request_channel = "tp:ipc"
            expiry_ms = 5000
            query_log_every = 0
            [[discovery.drivers]]
            instance_id = "a"
            control_channel = "tp:ipc?name=a"
            control_stream_id = 1000
            stream_tags = { 10000 = ["cam", "front"] }
            [[discovery.drivers]]
            instance_id = "b"
            control_channel = "tp:ipc?name=b"
            control_stream_id = 1000
            announce_channel = "tp:ipc?name=b"
            announce_stream_id = 1001
            metadata_stream_id = 1302
            [discovery.access]
            default = "hidden"
            deny_with_error = true
            [[discovery.access.rules]]
            client_ids = ["100-199", 7]
            stream_ids = [10000]
            """);
        Assert.That(o.Drivers.Select(d => (d.InstanceId, d.EffectiveAnnounceStreamId, d.EffectiveMetadataStreamId)),
            Is.EqualTo(new[] { ("a", 1000u, 1300u), ("b", 1001u, 1302u) }));
        Assert.That(o.Drivers[0].StreamTags[10000], Is.EqualTo(new[] { "cam", "front" }));
        Assert.That((o.RequestStreamId, o.Provider.ExpiryNs, o.Provider.QueryLogEvery), Is.EqualTo((7000u, 5_000_000_000L, 0u)));
        AccessPolicy p = o.Provider.Access;
        Assert.That((p.DefaultVisible, p.DenyWithError), Is.EqualTo((false, true)));
        Assert.That((p.IsVisible(150, 10000), p.IsVisible(7, 10000), p.IsVisible(8, 10000), p.IsVisible(150, 10001)),
            Is.EqualTo((true, true, false, false)));
    }

    private static readonly (string Name, string Toml, string Key)[] BadFiles =
    [
        ("no discovery table", "[driver]\naeron_dir = \"\"\n", "discovery"),
        ("no driver", "[discovery]\nrequest_stream_id = 7000\n", "driver_instance_id"),
        ("unknown key", "[discovery]\nrequest_stram_id = 1\n", "discovery.request_stram_id"),
        ("unknown section", "[discovery]\n[bogus]\n", "bogus"),
        ("wrong type", "[discovery]\nmax_results = \"many\"\n", "discovery.max_results"),
        ("request stream 0", ReferenceForm.Replace("request_stream_id = 9000", "request_stream_id = 0"), "discovery.request_stream_id"),
        ("control stream 0", ReferenceForm.Replace("driver_control_stream_id = 1000", "driver_control_stream_id = 0"), "discovery.drivers[0]"),
        ("empty instance id", ReferenceForm.Replace("\"driver-example\"", "\"\""), "discovery.driver_instance_id"),
        ("max results 0", ReferenceForm.Replace("max_results = 1000", "max_results = 0"), "discovery.max_results"),
        ("max results over 65535", ReferenceForm.Replace("max_results = 1000", "max_results = 70000"), "discovery.max_results"),
        ("expiry shorter than a period", ReferenceForm.Replace("max_results = 1000", "max_results = 1000\nexpiry_ms = 500"), "discovery.expiry_ms"),
        ("endpoints without a driver", "[discovery]\nannounce_stream_id = 1\n", "discovery.driver_instance_id"),
        ("two drivers on one announce endpoint", """
            [discovery]
            [[discovery.drivers]]
            instance_id = "a"
            control_channel = "tp:ipc?name=a"
            control_stream_id = 1000
            announce_channel = "tp:ipc?name=shared"
            [[discovery.drivers]]
            instance_id = "b"
            control_channel = "tp:ipc?name=b"
            control_stream_id = 1000
            announce_channel = "tp:ipc?name=shared"
            """, "announce_channel"),
        ("bad access default", "[discovery]\n[discovery.access]\ndefault = \"maybe\"\n", "discovery.access.default"),
        ("bad access range", "[discovery]\n[discovery.access]\n[[discovery.access.rules]]\nclient_ids = [\"9-1\"]\n", "client_ids"),
        ("bad stream tag", ReferenceForm.Replace("max_results = 1000", "stream_tags = { 10000 = [\"a,b\"] }"), "stream_tags.10000"),
        ("not TOML", "[discovery\n", "(toml)"),
    ];

    private static IEnumerable<TestCaseData> BadCases() => BadFiles.Select(c => new TestCaseData(c.Name).SetName("Bad_registry_file_names_the_key_" + c.Name.Replace(' ', '_')));

    [TestCaseSource(nameof(BadCases))]
    public void A_bad_registry_file_fails_naming_the_key(string name)
    {
        (_, string toml, string key) = BadFiles.Single(c => c.Name == name);
        var e = Assert.Throws<DiscoveryConfigurationException>(() => DiscoveryRegistryOptions.FromTomlText(toml, "r.toml"))!;
        Assert.That(e.Message, Does.Contain(key));
    }

    [Test]
    public void The_driver_file_embeds_discovery_by_default_and_reads_its_section_and_stream_tags()
    {
        DriverOptions plain = DriverOptions.FromTomlText(Profile);
        Assert.That((plain.Discovery.Enabled, plain.Discovery.MetadataStreamId, plain.Discovery.Provider.MaxResults), Is.EqualTo((true, 1300u, 1000u)));
        DriverOptions o = DriverOptions.FromTomlText(Profile + """
            [streams.cam]
            stream_id = 10000
            tags = ["camera", "Front"]
            [discovery]
            enabled = true
            metadata_channel = "tp:ipc?name=meta"
            metadata_stream_id = 1301
            max_results = 10
            expiry_ms = 9000
            """);
        Assert.That((o.Discovery.MetadataChannel, o.Discovery.MetadataStreamId, o.Discovery.Provider.MaxResults, o.Discovery.Provider.ExpiryMs),
            Is.EqualTo(("tp:ipc?name=meta", 1301u, 10u, (uint?)9000)));
        Assert.That(o.Discovery.StreamTags[10000], Is.EqualTo(new[] { "camera", "Front" }));
        Assert.That(DriverOptions.FromTomlText(Profile + "[discovery]\nenabled = false\n").Discovery.Enabled, Is.False);
    }

    [TestCase("[discovery]\nrequest_channel = \"tp:ipc\"\n", "discovery.request_channel")]
    [TestCase("[discovery]\nmax_results = 0\n", "discovery.max_results")]
    [TestCase("[discovery]\nmetadata_stream_id = 0\n", "discovery.metadata_stream_id")]
    [TestCase("[streams.cam]\nstream_id = 10000\ntags = [\"has,comma\"]\n", "streams.cam.tags")]
    [TestCase("[streams.cam]\nstream_id = 10000\ntags = \"camera\"\n", "streams.cam.tags")]
    public void A_bad_discovery_key_in_the_driver_file_is_a_driver_configuration_error(string toml, string key)
    {
        var e = Assert.Throws<DriverConfigurationException>(() => DriverOptions.FromTomlText(Profile + toml))!;
        Assert.That(e.Message, Does.Contain(key));
    }

    private const string Profile = "[profiles.p]\nheader_nslots = 8\npayload_pools = [{ pool_id = 1, stride_bytes = 64 }]\n";
}
