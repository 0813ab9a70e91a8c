using TensorPool.Transport;

namespace TensorPool.Bench.Latency;

/// <summary>The tp:ipc transport both sides of a measurement open: same base dir and capacity, distinct streams per measurement.</summary>
internal static class IpcStreams
{
    public const string Channel = "tp:ipc?name=bench";
    public const int PingStream = 1;
    public const int PongStream = 2;
    public const int OneWayStream = 3;
    public const int ThroughputStream = 4;

    public static TpIpcTransport Open(string directory) => new(new TpIpcOptions
    {
        BaseDir = directory,
        LogCapacity = Settings.LogCapacity,
        // The sides are pinned and busy: only a killed process leaves a claim; do not skip a descheduled one.
        StallTimeout = TimeSpan.FromSeconds(10),
    });
}
