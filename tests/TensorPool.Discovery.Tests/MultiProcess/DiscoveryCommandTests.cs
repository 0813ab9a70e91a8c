using TensorPool.Testing;

namespace TensorPool.Discovery.Tests.MultiProcess;

/// <summary>`tp discover` and `tp discovery` arguments and configuration: bad input exits 2 with one line naming it.</summary>
[NonParallelizable]
public sealed class DiscoveryCommandTests
{
    [TestCase("--timeout", "0", "--timeout")]
    [TestCase("--stream-id", "0", "--stream-id")]
    [TestCase("--response-stream", "0", "--response-stream")]
    [TestCase("--stream", "4294967295", "all-ones")]
    [TestCase("--tag", "", "--tag")]
    [TestCase("--channel", "no-scheme", "--channel")]
    [TestCase("--namespace", "../up", "--namespace")]
    [TestCase("--stream", "ten", "ten")]
    public void tp_discover_bad_arguments_exit_2_with_one_line(string option, string value, string named)
    {
        (int exit, _, string error) = Tp.Run("discover", option, value);
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Contain(named));
    }

    [Test]
    public void tp_discovery_check_validates_a_registry_file_and_names_a_bad_key()
    {
        using var dir = new TempDirectory();
        string good = Path.Combine(dir.Path, "good.toml");
        File.WriteAllText(good, """
            [discovery]
            request_channel = "tp:ipc"
            request_stream_id = 7000
            driver_instance_id = "d"
            driver_control_channel = "tp:ipc"
            driver_control_stream_id = 1000
            [driver]
            aeron_dir = ""
            """);
        (int exit, string output, _) = Tp.Run("discovery", "--config", good, "--check");
        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Contain("is valid").And.Contain("1 driver(s): d"));
        string bad = Path.Combine(dir.Path, "bad.toml");
        File.WriteAllText(bad, "[discovery]\nmax_results = 0\n");
        (int badExit, _, string error) = Tp.Run("discovery", "--config", bad, "--check");
        Assert.That(badExit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("discovery."));
        (int missing, _, string missingError) = Tp.Run("discovery", "--config", Path.Combine(dir.Path, "none.toml"));
        Assert.That(missing, Is.EqualTo(2));
        Assert.That(missingError, Does.Contain("none.toml"));
    }

    [Test]
    public void tp_discovery_refuses_a_channel_its_transport_cannot_open_with_exit_2()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "unknown-scheme.toml");
        File.WriteAllText(path, $$"""
            [discovery]
            request_channel = "bogus:ipc"
            ipc_base_dir = "{{dir.Path}}"
            driver_instance_id = "d"
            driver_control_channel = "tp:ipc"
            driver_control_stream_id = 1000
            """);
        (int exit, _, string error) = Tp.Run("discovery", "--config", path);
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain("request_channel").And.Contain("bogus"));
    }
}
