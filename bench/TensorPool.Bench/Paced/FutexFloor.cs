namespace TensorPool.Bench.Paced;

/// <summary>The raw futex-wake floor at one rate: waker and waiter processes, latency and cores over the window.</summary>
public sealed record FutexFloor(double RateHz, Percentiles LatencyNs, long Published, long Missed, double Cores, double WindowSeconds);
