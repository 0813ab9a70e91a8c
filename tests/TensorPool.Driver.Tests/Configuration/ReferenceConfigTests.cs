using TensorPool.Driver.Configuration;

namespace TensorPool.Driver.Tests.Configuration;

/// <summary>
/// The reference implementation's driver files load as they are (docs/DECISIONS.md D136): aeron: channels, and a
/// [supervisor] section that configures another service and is accepted, listed and not read. The text below has the
/// shape of the reference's driver_integration_example.toml.
/// </summary>
public sealed class ReferenceConfigTests
{
    private const string ReferenceShaped = """
        [driver]
        instance_id = "driver-example"
        aeron_dir = ""
        control_channel = "aeron:ipc?term-length=4m"
        control_stream_id = 1000
        announce_channel = "aeron:ipc?term-length=4m"
        announce_stream_id = 1001
        qos_channel = "aeron:ipc?term-length=4m"
        qos_stream_id = 1200
        stream_id_range = "20000-29999"
        descriptor_stream_id_range = "31000-31999"
        control_stream_id_range = "32000-32999"

        [shm]
        base_dir = "/dev/shm"
        namespace = "default"
        require_hugepages = false
        page_size_bytes = 4096
        permissions_mode = "660"
        allowed_base_dirs = ["/dev/shm"]

        [policies]
        allow_dynamic_streams = false
        default_profile = "camera"
        announce_period_ms = 1000
        lease_keepalive_interval_ms = 1000
        lease_expiry_grace_intervals = 3
        node_id_reuse_cooldown_ms = 1000

        [profiles.camera]
        header_nslots = 64
        payload_pools = [
          { pool_id = 1, stride_bytes = 1048576 }
        ]

        [streams.cam1]
        stream_id = 10000
        profile = "camera"

        [supervisor]
        control_channel = "aeron:ipc?term-length=4m"
        control_stream_id = 1000
        consumer_capacity = 256
        per_consumer_enabled = true
        force_mode = 0
        payload_fallback_uri = ""
        """;

    private static DriverOptions Load(string toml) =>
        DriverOptions.FromTomlText(toml, "reference.toml", new Dictionary<string, string>());

    [Test]
    public void A_reference_driver_file_with_aeron_channels_and_a_supervisor_section_loads_as_it_is()
    {
        DriverOptions o = Load(ReferenceShaped);
        Assert.That(o.ControlChannel, Is.EqualTo("aeron:ipc?term-length=4m"));
        Assert.That(o.EffectiveAnnounceStreamId, Is.EqualTo(1001));
        Assert.That(o.AeronDir, Is.Empty, "empty: $AERON_DIR, else Aeron's default");
        Assert.That(o.IgnoredSections, Is.EqualTo(new[] { "supervisor" }));
        Assert.That(o.Streams.Single().StreamId, Is.EqualTo(10000));
    }

    [Test]
    public void Without_a_supervisor_section_nothing_is_listed_as_ignored() =>
        Assert.That(Load(ReferenceShaped[..ReferenceShaped.IndexOf("[supervisor]", StringComparison.Ordinal)]).IgnoredSections, Is.Empty);

    [Test]
    public void Other_unknown_sections_are_still_errors_17()
    {
        var e = Assert.Throws<DriverConfigurationException>(() => Load(ReferenceShaped + "\n[supervisr]\nx = 1\n"));
        Assert.That(e!.Message, Does.Contain("supervisr"));
    }

    [Test]
    public void The_embedded_media_driver_key_is_read()
    {
        DriverOptions o = Load(ReferenceShaped.Replace("aeron_dir = \"\"", "aeron_dir = \"\"\nembedded_media_driver = true", StringComparison.Ordinal));
        Assert.That(o.EmbeddedMediaDriver, Is.True);
        Assert.That(Load(ReferenceShaped).EmbeddedMediaDriver, Is.False);
    }

    [Test]
    public void Channels_of_two_transports_in_one_driver_are_refused_naming_the_key()
    {
        string mixed = ReferenceShaped.Replace("qos_channel = \"aeron:ipc?term-length=4m\"", "qos_channel = \"tp:ipc\"", StringComparison.Ordinal);
        var e = Assert.Throws<DriverConfigurationException>(() => Load(mixed));
        Assert.That(e!.Key, Is.EqualTo("driver.qos_channel"));
        Assert.That(e.Message, Does.Contain("one transport"));
    }
}
