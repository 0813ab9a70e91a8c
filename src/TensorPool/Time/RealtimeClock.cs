using TensorPool.Native.Internal;

namespace TensorPool.Time;

/// <summary>
/// CLOCK_REALTIME in nanoseconds since the Unix epoch: for announces stamped in the REALTIME_SYNCED clock domain
/// (wire spec §10.1.1), whose freshness is judged against the local realtime clock.
/// </summary>
public sealed class RealtimeClock : IClock
{
    public static readonly RealtimeClock Instance = new();

    public long NanoTime() => (long)NativeMethods.tp_clock_realtime_ns();
}
