using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>The channel URI syntax shared by every transport: scheme:media[?key=value|…].</summary>
public class ChannelUriTests
{
    [Test]
    public void Parses_scheme_media_and_parameters_in_order()
    {
        ChannelUri uri = ChannelUri.Parse("aeron:udp?endpoint=localhost:40123|interface=eth0|term-length=4m");
        Assert.That(uri.Scheme, Is.EqualTo("aeron"));
        Assert.That(uri.Media, Is.EqualTo("udp"));
        Assert.That(uri.Parameters.Select(p => p.Key), Is.EqualTo(new[] { "endpoint", "interface", "term-length" }));
        Assert.That(uri.TryGetParameter("endpoint", out string? endpoint) && endpoint == "localhost:40123");
        Assert.That(uri.TryGetParameter("missing", out _), Is.False);
        Assert.That(uri.ToString(), Is.EqualTo("aeron:udp?endpoint=localhost:40123|interface=eth0|term-length=4m"));
    }

    [Test]
    public void A_channel_without_parameters_has_none()
    {
        ChannelUri uri = ChannelUri.Parse("tp:ipc");
        Assert.That((uri.Scheme, uri.Media), Is.EqualTo(("tp", "ipc")));
        Assert.That(uri.Parameters, Is.Empty);
        Assert.That(uri.ToString(), Is.EqualTo("tp:ipc"));
    }

    [Test]
    public void Values_may_hold_any_printable_character_but_the_separator()
    {
        ChannelUri uri = ChannelUri.Parse("tp:ipc?name=a.b_c-D9|x=/p?q=r:s");
        Assert.That(uri.TryGetParameter("x", out string? x) && x == "/p?q=r:s");
    }

    [TestCase(null, "empty")]
    [TestCase("", "empty")]
    [TestCase("tpipc", "no scheme")]
    [TestCase(":ipc", "invalid scheme")]
    [TestCase("TP:ipc", "invalid scheme")]
    [TestCase("1tp:ipc", "invalid scheme")]
    [TestCase("tp:", "invalid media")]
    [TestCase("tp:IPC", "invalid media")]
    [TestCase("tp:ipc:x", "invalid media")]
    [TestCase("t?p:ipc", "before the scheme")]
    [TestCase("tp:ipc?", "no parameters")]
    [TestCase("tp:ipc?name", "malformed parameter")]
    [TestCase("tp:ipc?name=", "malformed parameter")]
    [TestCase("tp:ipc?=x", "malformed parameter")]
    [TestCase("tp:ipc?name=a||b=c", "malformed parameter")]
    [TestCase("tp:ipc?na me=a", "space, control or non-ASCII")]
    [TestCase("tp:ipc?name=a\u0001", "space, control or non-ASCII")]
    [TestCase("tp:ipc?name=\u00e9", "space, control or non-ASCII")]
    [TestCase("tp:ipc?n/x=a", "invalid parameter name")]
    [TestCase("tp:ipc?name=a|name=b", "more than once")]
    public void Malformed_channels_are_rejected_with_the_reason(string? channel, string reason)
    {
        Assert.That(ChannelUri.TryParse(channel, out ChannelUri? uri, out string? error), Is.False);
        Assert.That(uri, Is.Null);
        Assert.That(error, Does.Contain(reason));
        var e = Assert.Throws<ArgumentException>(() => ChannelUri.Parse(channel!));
        Assert.That(e!.ParamName, Is.EqualTo("channel"));
        Assert.That(e.Message, Does.Contain(reason));
    }

    [Test]
    public void Overlong_channels_are_rejected_without_echoing_them()
    {
        string channel = "tp:ipc?name=" + new string('a', ChannelUri.MaxLength);
        Assert.That(ChannelUri.TryParse(channel, out _, out string? error), Is.False);
        Assert.That(error, Does.Contain("at most 4096"));
        Assert.That(error!, Has.Length.LessThan(200));
    }

    [Test]
    public void Control_characters_are_never_echoed_into_the_message()
    {
        Assert.That(ChannelUri.TryParse("tp:ipc?name=a\nforged log line", out _, out string? error), Is.False);
        Assert.That(error, Does.Not.Contain("\n"));
    }
}
