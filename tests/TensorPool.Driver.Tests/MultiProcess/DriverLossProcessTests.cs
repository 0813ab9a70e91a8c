using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>
/// `tp produce` and `tp consume` attached through a driver that is killed and not restarted (D171, D211): the lease
/// loss is reported on standard error at once, the run ends with exit code 1, and the JSON "seconds" is the run's
/// length (they used to keep printing their last rate, say nothing and exit 0). A producer restarted before its old
/// lease expired waits for the expiry instead of failing at once (D213).
/// </summary>
[NonParallelizable]
public sealed class DriverLossProcessTests
{
    [Test]
    public void Produce_reports_a_dead_driver_at_once_and_exits_1_D171()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        driver.Start();
        using ChildProcess produce = DriverProcess.StartTp("produce", "--stream", "10000", "--rate", "50", "--seconds", "12", "--shape", "4x4",
            "--shm-dir", driver.IpcDir, "--namespace", DriverProcess.Namespace, "--driver-channel", "tp:ipc", "--driver-shm-dir", driver.ShmDir,
            "--json");
        produce.WaitForError("tp produce: producing", TimeSpan.FromMinutes(2));
        driver.Process!.Kill();

        // The client's driver timeout is 3 announce periods (3 s): well before the run's 12 s end.
        produce.WaitForError("was lost", TimeSpan.FromSeconds(11));
        Assert.That(produce.WaitForExit(Wait.Patience), Is.EqualTo(1), produce.StandardError);
        Assert.That(produce.StandardError, Does.Contain("failed: the lease was lost"));
        using JsonDocument result = JsonDocument.Parse(produce.StandardOutput);
        Assert.That(result.RootElement.GetProperty("seconds").GetDouble(), Is.InRange(11.5, 60.0), produce.StandardOutput);
    }

    [Test]
    public void Consume_reports_a_dead_driver_at_once_measures_its_rates_and_exits_1_D211()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        driver.Start();
        string[] where = ["--shm-dir", driver.IpcDir, "--namespace", DriverProcess.Namespace, "--driver-channel", "tp:ipc", "--driver-shm-dir", driver.ShmDir];
        using ChildProcess produce = DriverProcess.StartTp(["produce", "--stream", "10000", "--rate", "50", "--seconds", "600", "--shape", "4x4", .. where]);
        using ChildProcess consume = DriverProcess.StartTp(["consume", "--stream", "10000", "--seconds", "14", "--report", .. where]);
        consume.WaitForLine("ready", Wait.Patience);
        // Frames flow: a progress line with a rate above zero.
        Wait.Until(() => Progress(consume).Any(p => p.GetProperty("framesPerSecond").GetDouble() > 0), consume.Output);
        driver.Process!.Kill();

        // The client's driver timeout is 3 of its announce periods (3 s): well before the run's 14 s end.
        consume.WaitForError("was lost", TimeSpan.FromSeconds(13));
        Assert.That(consume.WaitForExit(Wait.Patience), Is.EqualTo(1), consume.Output());
        Assert.That(consume.StandardError, Does.Contain("tp consume: failed: the lease was lost"));
        // Measured, not repeated: once nothing arrives the progress lines say 0 frames/s.
        Assert.That(Progress(consume)[^1].GetProperty("framesPerSecond").GetDouble(), Is.Zero, consume.StandardOutput);
        string result = consume.StandardOutput.Split('\n').Single(l => l.StartsWith("result ", StringComparison.Ordinal));
        using JsonDocument doc = JsonDocument.Parse(result["result ".Length..]);
        Assert.That(doc.RootElement.GetProperty("seconds").GetDouble(), Is.InRange(13.5, 60.0), result);
        produce.Kill();
    }

    [Test]
    public void Producer_restarted_before_its_old_lease_expired_waits_for_the_expiry_and_flows_7_D213()
    {
        using var dir = new TempDirectory();
        // A 30 s lease (1 s keepalives, 30 missed): the restarted producer surely starts within it, however slow the machine.
        using var driver = new DriverProcess(dir, graceIntervals: 30);
        driver.Start();
        string[] where = ["--stream", "10000", "--shape", "4x4", "--shm-dir", driver.IpcDir, "--namespace", DriverProcess.Namespace,
            "--driver-channel", "tp:ipc", "--driver-shm-dir", driver.ShmDir];
        using (ChildProcess first = DriverProcess.StartTp(["produce", "--rate", "50", "--seconds", "600", .. where]))
        {
            first.WaitForError("tp produce: producing", Wait.Patience);
            first.Kill(); // SIGKILL: no detach; its lease holds the stream until the driver expires it
        }
        using ChildProcess second = DriverProcess.StartTp(["produce", "--rate", "50", "--frames", "20", "--json", "--attach-wait", "120", .. where]);
        Assert.That(second.WaitForExit(Wait.Patience), Is.Zero, second.Output());
        using JsonDocument result = JsonDocument.Parse(second.StandardOutput);
        Assert.That(result.RootElement.GetProperty("published").GetInt64(), Is.EqualTo(20));
        // The driver refused it while the old lease lived, and said when that lease would expire.
        Assert.That(second.StandardError, Does.Contain("refused the stream").And.Contain("its lease expires in"), second.StandardError);
    }

    [Test]
    public void Producer_refused_past_its_attach_wait_fails_naming_when_the_lease_expires_D213()
    {
        using var dir = new TempDirectory();
        using var driver = new DriverProcess(dir);
        driver.Start();
        string[] where = ["--stream", "10000", "--shape", "4x4", "--shm-dir", driver.IpcDir, "--namespace", DriverProcess.Namespace,
            "--driver-channel", "tp:ipc", "--driver-shm-dir", driver.ShmDir];
        using ChildProcess live = DriverProcess.StartTp(["produce", "--rate", "50", "--seconds", "600", .. where]);
        live.WaitForError("tp produce: producing", Wait.Patience);
        // A live producer keeps its lease: the second one gives up after its wait, exit 1, with the driver's reason.
        using ChildProcess second = DriverProcess.StartTp(["produce", "--rate", "50", "--frames", "20", "--attach-wait", "1", .. where]);
        Assert.That(second.WaitForExit(Wait.Patience), Is.EqualTo(1), second.Output());
        Assert.That(second.StandardError, Does.Contain("already has a producer").And.Contain("its lease expires in"), second.StandardError);
        live.Kill();
    }

    private static JsonElement[] Progress(ChildProcess child) =>
        [.. child.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith("progress ", StringComparison.Ordinal) && l.EndsWith('}'))
            .Select(l => Parse(l["progress ".Length..]))];

    private static JsonElement Parse(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
