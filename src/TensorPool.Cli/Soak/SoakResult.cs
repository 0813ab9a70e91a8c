namespace TensorPool.Cli.Soak;

/// <summary>The outcome of a soak run (its JSON, camelCase).</summary>
internal sealed record SoakResult(
    long Frames,
    int Consumers,
    int Bytes,
    long Delivered,
    long Dropped,
    long Torn,
    long Disordered,
    long OlderAfterNewer,
    long CaughtByRecheck,
    int ProducerRestarts,
    int DriverRestarts,
    long Epochs,
    double Seconds,
    string? Failure)
{
    /// <summary>
    /// True when every frame delivered was whole, in order and of the newest epoch, and the run recovered from every
    /// restart (<see cref="Failure"/> null: the producer got each new lease, every consumer accepted frames of the last epoch).
    /// </summary>
    public bool Passed => Torn == 0 && Disordered == 0 && OlderAfterNewer == 0 && Delivered > 0 && Failure is null;

    public string Summary() =>
        $"tp soak: {Frames} frames published, {Consumers} consumers: {Delivered} delivered, {Dropped} dropped, {Torn} torn, " +
        $"{Disordered} disordered; {ProducerRestarts} producer and {DriverRestarts} driver restarts, {Epochs} epochs, " +
        $"{Seconds:F1} s: {(Passed ? "passed" : "FAILED")}{(Failure is null ? "" : $" ({Failure})")}";
}
