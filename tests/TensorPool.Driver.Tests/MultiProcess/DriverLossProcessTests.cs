using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>
/// `tp produce` attached through a driver that is killed and not restarted (D171): the lease loss is reported on
/// standard error at once, the run ends with exit code 1, and the JSON "seconds" is the run's length (it used to keep
/// printing its last rate, say nothing and exit 0).
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
}
