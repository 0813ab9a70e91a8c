namespace TensorPool.Bench.Paced;

/// <summary>
/// The raw futex-wake floor at one rate: waker and waiter processes, latency of every wake and cores over the window.
/// <see cref="Missed"/>: wakes whose send time was gone when the waiter looked. <see cref="WakeLatencyNs"/>: the latest
/// wake of each return alone, the measure before D253; <see cref="Together"/>: wakes the waiter found with a later one.
/// </summary>
public sealed record FutexFloor(double RateHz, Percentiles LatencyNs, long Published, long Missed, double Cores, double WindowSeconds,
    Percentiles WakeLatencyNs = default, long Together = 0);
