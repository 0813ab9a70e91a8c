namespace TensorPool.Cli.Tests;

/// <summary>`--stream 0` is refused as bad input before anything starts: 0 asks a driver to allocate an id (driver spec §11).</summary>
public sealed class StreamArgumentTests
{
    [TestCase("produce")]
    [TestCase("consume")]
    public void Stream_0_is_refused_with_exit_2_11(string command)
    {
        (int exit, _, string error) = Tp.Run(command, "--stream", "0", "--frames", "1", "--shm-dir", "/nonexistent-dir-tp", "--namespace", "x");
        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput), error);
        Assert.That(error, Does.Contain("--stream 0"));
    }
}
