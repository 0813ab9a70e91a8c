namespace TensorPool.Time;

/// <summary>
/// The monotonic nanosecond clock the protocols use (CLOCK_MONOTONIC: announce timestamps, slot
/// timestamps, lease expiry). Injectable so tests control time.
/// </summary>
public interface IClock
{
    /// <summary>Nanoseconds on CLOCK_MONOTONIC (comparable across processes on this host).</summary>
    long NanoTime();
}
