using TensorPool.Testing;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>
/// One driver per namespace and per control stream (D170): a second `tp driver` on the same configuration refuses to
/// start and names the running one's pid (it used to run beside it, both refusing each other's clients and expiring
/// each other's leases); the claim of a driver killed with SIGKILL is taken over by the next one.
/// </summary>
[NonParallelizable]
public sealed class DriverClaimProcessTests
{
    [Test]
    public void Second_driver_on_the_same_namespace_refuses_to_start_naming_the_running_pid_D170()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        driver.Start();
        int pid = driver.Process!.Id;

        using ChildProcess second = DriverProcess.StartTp("driver", "--config", driver.ConfigPath);
        Assert.That(second.WaitForExit(Wait.Patience), Is.EqualTo(1), second.StandardOutput);
        Assert.That(second.StandardError, Does.Contain($"pid {pid}").And.Contain("already serves namespace"));

        // --check runs the same check (D174).
        using ChildProcess check = DriverProcess.StartTp("driver", "--config", driver.ConfigPath, "--check");
        Assert.That(check.WaitForExit(Wait.Patience), Is.EqualTo(1), check.StandardOutput);
        Assert.That(check.StandardError, Does.Contain($"pid {pid}"));

        Assert.That(driver.Process.HasExited, Is.False, "the running driver is untouched");
        Assert.That(driver.Count("Expired"), Is.Zero);
    }

    [Test]
    public void Second_driver_in_another_namespace_on_the_same_control_stream_is_refused_D170()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir, extraToml: "");
        File.WriteAllText(driver.ConfigPath, File.ReadAllText(driver.ConfigPath)
            .Replace("[driver]\n", "[driver]\ncontrol_channel = \"tp:ipc?name=shared\"\n", StringComparison.Ordinal));
        driver.Start();
        string other = Path.Combine(dir.Path, "other.toml");
        File.WriteAllText(other, File.ReadAllText(driver.ConfigPath)
            .Replace($"namespace = \"{DriverProcess.Namespace}\"", "namespace = \"other\"", StringComparison.Ordinal));

        using ChildProcess second = DriverProcess.StartTp("driver", "--config", other);
        Assert.That(second.WaitForExit(Wait.Patience), Is.EqualTo(1), second.StandardOutput);
        Assert.That(second.StandardError, Does.Contain($"pid {driver.Process!.Id}").And.Contain("control stream tp:ipc?name=shared:1000"));
    }

    [Test]
    public void Claim_of_a_driver_killed_with_SIGKILL_is_taken_over_D170()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        driver.Start();
        driver.Process!.Kill();
        Assert.That(driver.Process.HasExited, Is.True);

        using ChildProcess check = DriverProcess.StartTp("driver", "--config", driver.ConfigPath, "--check");
        Assert.That(check.WaitForExit(Wait.Patience), Is.Zero, check.StandardError);
        driver.Start(); // waits for the ready line
        Assert.That(driver.Process.HasExited, Is.False);
    }

    /// <summary>
    /// The epoch directories of a driver killed with SIGKILL are reclaimed by the next driver without
    /// epoch_gc_on_startup and without a client attaching to their stream (D176); they used to survive its start and
    /// its clean stop.
    /// </summary>
    [Test]
    public void Epoch_directories_of_a_killed_driver_are_reclaimed_by_the_next_one_D176()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        driver.Start();
        string epochDir;
        using (ChildProcess producer = ChildProcess.StartScenario("driver-produce", driver.ClientArgs("10000")))
        {
            string epoch = producer.WaitForLine("attached ", TimeSpan.FromMinutes(2)).Split(' ')[1];
            epochDir = Directory.EnumerateDirectories(driver.ShmDir, epoch, SearchOption.AllDirectories).Single();
            Assert.That(Path.GetFileName(Path.GetDirectoryName(epochDir)), Is.EqualTo("10000"));
            producer.Kill();
        }
        driver.Process!.Kill();

        driver.Start();
        Wait.Until(() => !Directory.Exists(epochDir), () => $"{epochDir} survived the next driver's start:\n{driver.Process!.StandardOutput}");
        Assert.That(driver.Count("died holding this namespace"), Is.EqualTo(1));
    }
}
