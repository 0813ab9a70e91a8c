namespace TensorPool.Bench.Paced;

/// <summary>
/// The ratios issue 14's targets are written in, against the futex-wake floor of the same rate and run: the cell's
/// cores over the floor's, its p99 over the floor's p99, and its p50 minus the floor's p50 (ns).
/// </summary>
public sealed record PacedRatios(double CoresOverFutex, double P99OverFutex, double P50MinusFutexNs)
{
    public static PacedRatios Of(Percentiles latency, double cores, FutexFloor floor) => new(
        floor.Cores > 0 ? cores / floor.Cores : 0,
        floor.LatencyNs.P99 > 0 ? latency.P99 / floor.LatencyNs.P99 : 0,
        latency.P50 - floor.LatencyNs.P50);
}
