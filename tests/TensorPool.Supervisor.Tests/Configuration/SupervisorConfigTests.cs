using TensorPool.Driver.Configuration;
using TensorPool.Sbe.Wire;
using TensorPool.Supervisor.Configuration;

namespace TensorPool.Supervisor.Tests.Configuration;

/// <summary>
/// The [supervisor] section: the reference's keys (its driver files carry the section) read as they are, the added
/// keys and policies, the same section in a driver's file, and errors naming key, value and rule.
/// </summary>
public sealed class SupervisorConfigTests
{
    /// <summary>Every key of the reference's driver_integration_example.toml [supervisor] section, with its values.</summary>
    private const string ReferenceSection = """
        [supervisor]
        control_channel = "aeron:ipc?term-length=4m"
        control_stream_id = 1000
        announce_channel = "aeron:ipc?term-length=4m"
        announce_stream_id = 1001
        metadata_channel = "aeron:ipc?term-length=4m"
        metadata_stream_id = 1300
        qos_channel = "aeron:ipc?term-length=4m"
        qos_stream_id = 1200
        consumer_capacity = 256
        consumer_stale_ms = 5000
        per_consumer_enabled = true
        per_consumer_descriptor_channel = "aeron:ipc?term-length=4m"
        per_consumer_descriptor_base = 31000
        per_consumer_descriptor_range = 1000
        per_consumer_control_channel = "aeron:ipc?term-length=4m"
        per_consumer_control_base = 32000
        per_consumer_control_range = 1000
        force_no_shm = false
        force_mode = 0
        payload_fallback_uri = ""
        """;

    [Test]
    public void The_reference_supervisor_section_is_read_as_it_is_keys_and_meaning()
    {
        SupervisorOptions o = SupervisorOptions.FromTomlText(ReferenceSection, "driver_integration_example.toml");
        const string aeron = "aeron:ipc?term-length=4m";
        Assert.That((o.ControlChannel, o.ControlStreamId, o.EffectiveAnnounceChannel, o.EffectiveAnnounceStreamId), Is.EqualTo((aeron, 1000u, aeron, 1001u)));
        Assert.That((o.EffectiveMetadataChannel, o.MetadataStreamId, o.EffectiveQosChannel, o.QosStreamId), Is.EqualTo((aeron, 1300u, aeron, 1200u)));
        Assert.That((o.ConsumerCapacity, o.ConsumerStaleMs, o.PerConsumerEnabled), Is.EqualTo((256u, 5000u, true)));
        Assert.That((o.PerConsumerDescriptorChannel, o.PerConsumerDescriptorBase, o.PerConsumerDescriptorRange), Is.EqualTo((aeron, 31000u, 1000u)));
        Assert.That((o.PerConsumerControlChannel, o.PerConsumerControlBase, o.PerConsumerControlRange), Is.EqualTo((aeron, 32000u, 1000u)));
        Assert.That((o.ForceNoShm, o.ForceMode, o.ForcedMode, o.PayloadFallbackUri), Is.EqualTo((false, (byte)0, (Mode?)null, "")));
        Assert.That(o.Enabled, Is.False, "a driver file's section does not start a supervisor by itself");
    }

    [Test]
    public void The_reference_driver_file_with_its_supervisor_section_is_a_valid_driver_configuration()
    {
        DriverOptions d = DriverOptions.FromTomlText("""
            [driver]
            instance_id = "driver-example"
            [profiles.camera]
            header_nslots = 64
            payload_pools = [{ pool_id = 1, stride_bytes = 1048576 }]
            [streams.cam1]
            stream_id = 10000
            profile = "camera"

            """ + ReferenceSection);
        Assert.That(d.Supervisor, Is.Not.Null);
        Assert.That((d.Supervisor!.PerConsumerDescriptorBase, d.Supervisor.Enabled), Is.EqualTo((31000u, false)));
    }

    [Test]
    public void Absent_keys_take_the_defaults_announces_on_the_control_stream_as_a_driver_does()
    {
        SupervisorOptions o = SupervisorOptions.FromTomlText("[supervisor]\n");
        Assert.That((o.ControlChannel, o.ControlStreamId, o.EffectiveAnnounceStreamId, o.MetadataStreamId, o.QosStreamId, o.DescriptorStreamId),
            Is.EqualTo(("tp:ipc", 1000u, 1000u, 1300u, 1200u, 1100u)));
        Assert.That((o.ConsumerCapacity, o.ConsumerStaleMs, o.PerConsumerEnabled, o.AssignConsumerIds), Is.EqualTo((256u, 5000u, false, true)));
    }

    [Test]
    public void Added_keys_and_policies_are_read()
    {
        SupervisorOptions o = SupervisorOptions.FromTomlText("""
            [supervisor]
            enabled = true
            streams = ["10000-10099", 20000]
            descriptor_stream_id = 1101
            consumer_id_range = "100-199"
            status_file = "/tmp/s.json"
            per_consumer_descriptor_base = 31000
            per_consumer_descriptor_range = 1000
            [[supervisor.policies]]
            name = "display"
            data_source_name = "front camera"
            consumer_mode = "rate_limited"
            consumer_ids = ["1-99"]
            mode = "rate_limited"
            max_rate_hz = 30
            [[supervisor.policies]]
            name = "remote"
            streams = [20000]
            use_shm = false
            payload_fallback_uri = "bridge://lab"
            """);
        Assert.That((o.Enabled, o.DescriptorStreamId, o.ConsumerIdRange, o.StatusFile), Is.EqualTo((true, 1101u, (100u, 199u), "/tmp/s.json")));
        Assert.That(o.Streams, Is.EqualTo(new[] { (10000u, 10099u), (20000u, 20000u) }));
        ConsumerPolicy display = o.Policies[0];
        Assert.That((display.Name, display.DataSourceName, display.ConsumerMode, display.Mode, display.MaxRateHz), Is.EqualTo(("display", "front camera", (Mode?)Mode.RateLimited, (Mode?)Mode.RateLimited, 30u)));
        Assert.That((o.Policies[1].UseShm, o.Policies[1].PayloadFallbackUri), Is.EqualTo(((bool?)false, "bridge://lab")));
    }

    [TestCase("[supervisor]\nforce_mode = 3\n", "supervisor.force_mode")]
    [TestCase("[supervisor]\nper_consumer_descriptor_base = 31000\n", "supervisor.per_consumer_descriptor_range")]
    [TestCase("[supervisor]\nper_consumer_control_base = 32000\n", "supervisor.per_consumer_control_range")]
    [TestCase("[supervisor]\nconsumer_capacity = 0\n", "supervisor.consumer_capacity")]
    [TestCase("[supervisor]\nconsumer_stale_ms = 0\n", "supervisor.consumer_stale_ms")]
    [TestCase("[supervisor]\ncontrol_stream_id = 0\n", "supervisor.control_channel")]
    [TestCase("[supervisor]\nper_consumer_enable = true\n", "supervisor.per_consumer_enable")]
    [TestCase("[supervisor]\nforce_no_shm = \"yes\"\n", "supervisor.force_no_shm")]
    [TestCase("[supervisor]\nconsumer_id_range = \"1-4294967295\"\n", "supervisor.consumer_id_range")]
    [TestCase("[supervisor]\n[[supervisor.policies]]\nmode = \"fast\"\n", "supervisor.policies[0].mode")]
    [TestCase("[supervisor]\n[[supervisor.policies]]\nmax_rate_hz = 30\n", "supervisor.policies[0].max_rate_hz")]
    [TestCase("[supervisor]\n[[supervisor.policies]]\nuse_shm = false\n", "supervisor.policies[0].use_shm")]
    [TestCase("[supervisor]\n[[supervisor.policies]]\nnmae = \"x\"\n", "supervisor.policies[0].nmae")]
    [TestCase("[driver]\n", "supervisor")]
    [TestCase("[supervisor\n", "(toml)")]
    public void A_bad_supervisor_key_fails_naming_it(string toml, string key)
    {
        var e = Assert.Throws<SupervisorConfigurationException>(() => SupervisorOptions.FromTomlText(toml, "s.toml"))!;
        Assert.That(e.Message, Does.Contain(key));
    }

    [Test]
    public void A_bad_supervisor_key_in_a_driver_file_is_a_driver_configuration_error()
    {
        var e = Assert.Throws<DriverConfigurationException>(() => DriverOptions.FromTomlText(
            "[profiles.p]\nheader_nslots = 8\npayload_pools = [{ pool_id = 1, stride_bytes = 64 }]\n[supervisor]\nforce_mode = 9\n"))!;
        Assert.That(e.Message, Does.Contain("supervisor.force_mode"));
    }
}
