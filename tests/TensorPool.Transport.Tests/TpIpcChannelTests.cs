using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>What TpIpcTransport accepts as a channel, and where each channel's log lives.</summary>
public class TpIpcChannelTests
{
    [Test]
    public void The_log_path_is_base_user_name_ipc_stream()
    {
        using var f = new TransportFixture();
        Assert.That(f.Transport.GetLogPath("tp:ipc", 1000), Is.EqualTo($"{f.Directory.Path}/tensorpool-tester/default/ipc/1000.log"));
        Assert.That(f.Transport.GetLogPath("tp:ipc?name=lab-1.b_2", 7), Is.EqualTo($"{f.Directory.Path}/tensorpool-tester/lab-1.b_2/ipc/7.log"));
        // Stream ids are the spec's u32: a negative int32 is its unsigned value.
        Assert.That(f.Transport.GetLogPath("tp:ipc", -1), Is.EqualTo($"{f.Directory.Path}/tensorpool-tester/default/ipc/4294967295.log"));
    }

    [Test]
    public void The_options_namespace_names_channels_that_give_no_name()
    {
        using var dir = new TensorPool.Testing.TempDirectory();
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, User = "tester", Namespace = "prod" });
        Assert.That(transport.GetLogPath("tp:ipc", 1), Is.EqualTo($"{dir.Path}/tensorpool-tester/prod/ipc/1.log"));
        Assert.That(transport.GetLogPath("tp:ipc?name=lab", 1), Is.EqualTo($"{dir.Path}/tensorpool-tester/lab/ipc/1.log"));
    }

    [Test]
    public void Different_names_are_different_streams()
    {
        using var f = new TransportFixture();
        using TpIpcSubscription lab = f.Transport.AddSubscription("tp:ipc?name=lab", 1);
        using TpIpcPublication prod = f.Transport.AddPublication("tp:ipc?name=prod", 1);
        prod.Offer(Payloads.Make(1, 8));
        var collector = new Collector();
        Assert.That(lab.Poll(ref collector, 10), Is.Zero);
        Assert.That(lab.LogPath, Is.Not.EqualTo(prod.LogPath));
    }

    [TestCase("aeron:ipc")]
    [TestCase("aeron:udp?endpoint=localhost:40123")]
    public void Aeron_channels_on_the_tp_ipc_transport_name_the_aeron_transport(string channel)
    {
        using var f = new TransportFixture();
        var e = Assert.Throws<ArgumentException>(() => f.Transport.AddPublication(channel, 1));
        Assert.That(e!.Message, Does.Contain("TensorPool.Transport.Aeron").And.Contain("tp:ipc transport").And.Contain(channel));
        Assert.That(e.ParamName, Is.EqualTo("channel"));
    }

    [TestCase("shm:file?path=/dev/shm/x", "unknown scheme 'shm'")]
    [TestCase("udp:ipc", "unknown scheme 'udp'")]
    [TestCase("tp:udp", "unknown media 'tp:udp'")]
    [TestCase("tp:ipc?endpoint=x", "unknown parameter 'endpoint'")]
    [TestCase("tp:ipc?name=", "malformed parameter")]
    [TestCase("tp:ipc?name=.", "may not start with '.'")]
    [TestCase("tp:ipc?name=..", "may not start with '.'")]
    [TestCase("tp:ipc?name=.hidden", "may not start with '.'")]
    [TestCase("tp:ipc?name=a/b", "may hold only")]
    [TestCase("tp:ipc?name=a:b", "may hold only")]
    [TestCase("tp:ipc?name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "1 to 64 characters, was 65")]
    [TestCase("tp ipc", "space, control or non-ASCII")]
    public void Bad_channels_are_rejected_naming_what_is_wrong(string channel, string reason)
    {
        using var f = new TransportFixture();
        var pub = Assert.Throws<ArgumentException>(() => f.Transport.AddPublication(channel, 1));
        Assert.That(pub!.Message, Does.Contain(reason));
        var sub = Assert.Throws<ArgumentException>(() => f.Transport.AddSubscription(channel, 1));
        Assert.That(sub!.Message, Does.Contain(reason));
        Assert.Throws<ArgumentException>(() => f.Transport.GetLogPath(channel, 1));
        Assert.That(Directory.GetFileSystemEntries(f.Directory.Path), Is.Empty, "nothing was created for a refused channel");
    }

    [Test]
    public void A_64_character_name_is_accepted()
    {
        using var f = new TransportFixture();
        string name = new('n', 64);
        using TpIpcPublication pub = f.Transport.AddPublication("tp:ipc?name=" + name, 1);
        Assert.That(pub.LogPath, Does.Contain($"/{name}/ipc/1.log"));
        Assert.Throws<ArgumentNullException>(() => f.Transport.AddPublication(null!, 1));
    }
}
