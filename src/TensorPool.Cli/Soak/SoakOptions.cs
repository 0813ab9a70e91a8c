namespace TensorPool.Cli.Soak;

/// <summary>What <c>tp soak</c> runs (D207).</summary>
internal sealed class SoakOptions
{
    /// <summary>Frames the producer publishes in all (its restarts and the driver's spread evenly over them).</summary>
    public long Frames { get; init; } = 100_000_000;

    public int Consumers { get; init; } = 2;

    /// <summary>Payload bytes of every frame (a pattern of its epoch and seq).</summary>
    public int Bytes { get; init; } = 256;

    /// <summary>Times the producer is closed and a new one attached (a new epoch).</summary>
    public int ProducerRestarts { get; init; } = 10;

    /// <summary>Times the driver process is killed with SIGKILL and a new one started.</summary>
    public int DriverRestarts { get; init; } = 10;

    /// <summary>The directory the run's driver configuration, tp:ipc logs and regions go in (removed at the end).</summary>
    public required string Dir { get; init; }

    /// <summary>The stream the run uses.</summary>
    public uint StreamId { get; init; } = 10000;
}
