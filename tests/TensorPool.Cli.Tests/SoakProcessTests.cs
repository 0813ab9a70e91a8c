using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// <c>tp soak</c> (D207): frames through a producer restart and a SIGKILLed driver, every frame's bytes checked against
/// the pattern of its (epoch, seq) by every consumer; the JSON accounts for every frame.
/// </summary>
[NonParallelizable]
public sealed class SoakProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Test]
    public void Short_soak_through_a_producer_and_a_driver_restart_accepts_no_torn_frame_and_accounts_for_every_frame()
    {
        using var dir = new TempDirectory();
        using ChildProcess soak = Tp.Start("soak", "--frames", "100000", "--consumers", "2", "--producer-restarts", "1",
            "--driver-restarts", "1", "--json", "--dir", Path.Combine(dir.Path, "run"));

        Assert.That(soak.WaitForExit(Timeout), Is.Zero, soak.Output());
        using JsonDocument doc = JsonDocument.Parse(soak.StandardOutput);
        JsonElement r = doc.RootElement;
        long frames = r.GetProperty("frames").GetInt64();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(frames, Is.EqualTo(100_000));
            Assert.That(r.GetProperty("torn").GetInt64(), Is.Zero, "wire §8.3: no frame with bytes not its own is delivered");
            Assert.That(r.GetProperty("disordered").GetInt64(), Is.Zero);
            Assert.That(r.GetProperty("olderAfterNewer").GetInt64(), Is.Zero);
            Assert.That(r.GetProperty("producerRestarts").GetInt32(), Is.EqualTo(1));
            Assert.That(r.GetProperty("driverRestarts").GetInt32(), Is.EqualTo(1));
            Assert.That(r.GetProperty("epochs").GetInt64(), Is.GreaterThanOrEqualTo(3), "first, after the producer restart, after the driver restart");
            Assert.That(r.GetProperty("failure").ValueKind, Is.EqualTo(JsonValueKind.Null),
                "D251: the producer got a new lease after the driver restart and every consumer accepted frames of the last epoch");
            Assert.That(r.GetProperty("delivered").GetInt64(), Is.GreaterThan(0));
            Assert.That(r.GetProperty("delivered").GetInt64() + r.GetProperty("dropped").GetInt64(), Is.EqualTo(frames * 2),
                "every frame is delivered to or dropped by each consumer");
        }
        string[] human = soak.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(human[0], Does.StartWith("tp soak: 0 frames published"), "progress goes to standard error");
        Assert.That(human[^1], Does.StartWith("tp soak: 100000 frames published, 2 consumers").And.EndWith("passed"), "one summary line at the end");
    }

    [TestCase("--frames", "0")]
    [TestCase("--consumers", "0")]
    [TestCase("--bytes", "0")]
    [TestCase("--producer-restarts", "-1")]
    public void Bad_arguments_are_one_line_and_exit_2(string option, string value)
    {
        (int exit, string output, string error) = Tp.Run("soak", option, value);

        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput), output);
        Assert.That(error.Trim(), Does.StartWith("tp soak: arguments:").And.Contain(option));
    }
}
