using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>Options are validated when a transport is created, each error naming the option, its value and the rule.</summary>
public class TpIpcOptionsTests
{
    [Test]
    public void Defaults_are_dev_shm_default_namespace_4_MiB_and_one_second()
    {
        var o = new TpIpcOptions();
        Assert.That(o.BaseDir, Is.EqualTo("/dev/shm"));
        Assert.That(o.Namespace, Is.EqualTo("default"));
        Assert.That(o.User, Is.Null);
        Assert.That(o.LogCapacity, Is.EqualTo(4 << 20));
        Assert.That(o.StallTimeout, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.DoesNotThrow(o.Validate);
    }

    private static IEnumerable<TestCaseData> BadOptions()
    {
        yield return new TestCaseData(new TpIpcOptions { BaseDir = "" }, "BaseDir", "absolute");
        yield return new TestCaseData(new TpIpcOptions { BaseDir = "dev/shm" }, "BaseDir", "absolute");
        yield return new TestCaseData(new TpIpcOptions { BaseDir = "/dev/../etc" }, "BaseDir", "refused by the shared-memory layout");
        yield return new TestCaseData(new TpIpcOptions { BaseDir = "/dev/sh m" }, "BaseDir", "refused by the shared-memory layout");
        yield return new TestCaseData(new TpIpcOptions { BaseDir = "/dev/shm|x" }, "BaseDir", "refused by the shared-memory layout");
        yield return new TestCaseData(new TpIpcOptions { BaseDir = "/dev/shm\0/x" }, "BaseDir", "control characters");
        yield return new TestCaseData(new TpIpcOptions { BaseDir = "/dev/shm\n" }, "BaseDir", "control characters");
        yield return new TestCaseData(new TpIpcOptions { Namespace = "" }, "Namespace", "1 to 64");
        yield return new TestCaseData(new TpIpcOptions { Namespace = ".." }, "Namespace", "may not start with '.'");
        yield return new TestCaseData(new TpIpcOptions { Namespace = "a/b" }, "Namespace", "may hold only");
        yield return new TestCaseData(new TpIpcOptions { User = "" }, "User", "effective user");
        yield return new TestCaseData(new TpIpcOptions { User = new string('u', 201) }, "User", "effective user");
        yield return new TestCaseData(new TpIpcOptions { User = "root\0x" }, "User", "control character");
        yield return new TestCaseData(new TpIpcOptions { LogCapacity = 0 }, "LogCapacity", "power of two");
        yield return new TestCaseData(new TpIpcOptions { LogCapacity = 512 }, "LogCapacity", "power of two");
        yield return new TestCaseData(new TpIpcOptions { LogCapacity = 3000 }, "LogCapacity", "power of two");
        yield return new TestCaseData(new TpIpcOptions { LogCapacity = 2L << 30 }, "LogCapacity", "power of two");
        yield return new TestCaseData(new TpIpcOptions { LogCapacity = -4096 }, "LogCapacity", "power of two");
        yield return new TestCaseData(new TpIpcOptions { StallTimeout = TimeSpan.Zero }, "StallTimeout", "positive");
        yield return new TestCaseData(new TpIpcOptions { StallTimeout = TimeSpan.FromTicks(-1) }, "StallTimeout", "positive");
        yield return new TestCaseData(new TpIpcOptions { StallTimeout = TimeSpan.FromHours(2) }, "StallTimeout", "at most");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void A_bad_option_is_named_in_the_error(TpIpcOptions options, string option, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => new TpIpcTransport(options));
        Assert.That(e!.ParamName, Is.EqualTo(option));
        Assert.That(e.Message, Does.Contain($"TpIpcOptions.{option}").And.Contain(rule));
    }

    [Test]
    public void Boundary_capacities_and_timeouts_are_accepted()
    {
        using var dir = new TempDirectory();
        foreach (long capacity in new[] { 1024L, 1L << 30 })
        {
            Assert.DoesNotThrow(new TpIpcOptions { BaseDir = dir.Path, LogCapacity = capacity, StallTimeout = TimeSpan.FromHours(1) }.Validate);
        }
        Assert.DoesNotThrow(new TpIpcOptions { BaseDir = dir.Path, StallTimeout = TimeSpan.FromTicks(1) }.Validate);
    }

    [Test]
    public void The_transport_keeps_the_options_it_was_created_with()
    {
        using var dir = new TempDirectory();
        var options = new TpIpcOptions { BaseDir = dir.Path, User = "tester", LogCapacity = 8192 };
        using var transport = new TpIpcTransport(options);
        options.LogCapacity = 3; // later edits change nothing
        options.Namespace = "other";
        Assert.That(transport.Options.LogCapacity, Is.EqualTo(8192));
        using TpIpcPublication pub = transport.AddPublication("tp:ipc", 1);
        Assert.That(pub.MaxMessageLength, Is.EqualTo(8192 / 8 - 32));
        Assert.That(pub.LogPath, Does.Contain("/default/"));
        Assert.Throws<ArgumentNullException>(() => new TpIpcTransport(null!));
    }

    [Test]
    public void A_base_dir_that_does_not_exist_yet_is_created_shared_like_dev_shm_on_first_use()
    {
        using var dir = new TempDirectory();
        string baseDir = Path.Combine(dir.Path, "shm");
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = baseDir, User = "tester" });
        Assert.That(Directory.Exists(baseDir), Is.False, "nothing is created before a stream is opened");
        using TpIpcPublication pub = transport.AddPublication("tp:ipc", 1);
        Assert.That(pub.LogPath, Does.StartWith(baseDir + "/"));
        Assert.That(File.Exists(pub.LogPath));
        Assert.That(File.GetUnixFileMode(baseDir) & UnixFileMode.StickyBit, Is.EqualTo(UnixFileMode.StickyBit));
    }
}
