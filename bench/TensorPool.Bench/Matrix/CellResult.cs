namespace TensorPool.Bench.Matrix;

/// <summary>One transport in one cell: latency at delivery (all consumers merged), the delivered rate, and losses.</summary>
public sealed record TransportResult(
    Percentiles LatencyNs,
    double FramesPerSecond,
    double GigabytesPerSecond,
    long Delivered,
    long Drops,
    long Torn);

/// <summary>
/// One cell of the matrix: a payload size and a consumer count, over tp:ipc and over a Unix socket, and over aeron:ipc
/// (<see cref="AeronColumn"/>; null when Aeron was not present).
/// </summary>
public sealed record CellResult(
    int Size,
    int Consumers,
    bool Oversubscribed,
    IReadOnlyList<int> ConsumerCpus,
    double LatencyRateHz,
    int LatencyFrames,
    TransportResult Ipc,
    TransportResult Socket,
    CellRatios Ratios,
    TransportResult? Aeron = null);

/// <summary>
/// The ratios the issue asks for: our latency over the ping-pong floor (p50), our delivered bandwidth over the
/// single-thread memcpy ceiling for the same size, and the socket's latency over ours (p50).
/// </summary>
public sealed record CellRatios(double LatencyOverFloor, double BandwidthOverMemcpy, double SocketOverOurs)
{
    public static CellRatios Of(TransportResult ipc, TransportResult socket, double floorP50Ns, double memcpyBytesPerSecond) => new(
        Divide(ipc.LatencyNs.P50, floorP50Ns),
        Divide(ipc.GigabytesPerSecond * 1e9, memcpyBytesPerSecond),
        Divide(socket.LatencyNs.P50, ipc.LatencyNs.P50));

    private static double Divide(double a, double b) => b > 0 ? a / b : 0;
}
