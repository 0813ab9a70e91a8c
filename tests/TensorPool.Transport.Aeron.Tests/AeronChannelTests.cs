namespace TensorPool.Transport.Aeron.Tests;

/// <summary>Aeron channels are checked before Aeron sees them: malformed URIs and unknown parameters are errors naming them.</summary>
public class AeronChannelTests
{
    [TestCase("aeron:ipc")]
    [TestCase("aeron:ipc?term-length=4m")]
    [TestCase("aeron:udp?endpoint=localhost:40123")]
    [TestCase("aeron:udp?endpoint=10.0.0.2:40123|interface=10.0.0.0/24|mtu=8192")]
    [TestCase("aeron:udp?control=10.0.0.1:40124|control-mode=dynamic")]
    public void Aeron_channels_with_known_parameters_are_accepted(string channel) =>
        Assert.That(AeronChannel.Check(channel), Is.Null);

    [TestCase("aeron:ipc?term-lenght=4m", "unknown parameter 'term-lenght'")]
    [TestCase("aeron:ipc?name=lab", "unknown parameter 'name'")]
    [TestCase("aeron:tcp?endpoint=a:1", "unknown media 'aeron:tcp'")]
    [TestCase("tp:ipc", "scheme 'tp' is not aeron")]
    [TestCase("aeron:udp", "aeron:udp needs endpoint")]
    [TestCase("aeron:udp?mtu=1408", "aeron:udp needs endpoint")]
    [TestCase("aeron:ipc?", "no parameters")]
    [TestCase("aeron:ipc?term-length", "malformed parameter")]
    [TestCase("aeron:ipc?mtu=1|mtu=2", "more than once")]
    [TestCase("aeron ipc", "space, control or non-ASCII")]
    [TestCase("aeron:ipc?alias=\u00e9", "non-ASCII")]
    [TestCase("", "empty")]
    [TestCase("aeron:IPC", "invalid media")]
    public void Malformed_channels_and_unknown_parameters_are_refused_with_the_reason(string channel, string reason)
    {
        Assert.That(AeronChannel.Check(channel), Does.Contain(reason));
        var e = Assert.Throws<ArgumentException>(() => AeronChannel.Validate(channel));
        Assert.That(e!.ParamName, Is.EqualTo("channel"));
    }

    [Test]
    public void A_channel_longer_than_the_limit_is_refused()
    {
        string channel = "aeron:ipc?alias=" + new string('a', ChannelUri.MaxLength);
        Assert.That(AeronChannel.Check(channel), Does.Contain("at most"));
    }
}
