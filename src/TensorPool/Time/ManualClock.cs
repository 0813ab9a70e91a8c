namespace TensorPool.Time;

/// <summary>A clock that moves only when told to: for deterministic tests of timers and timeouts.</summary>
public sealed class ManualClock : IClock
{
    private long _now;

    public ManualClock(long startNanos = 1_000_000_000L) => _now = startNanos;

    public long NanoTime() => Volatile.Read(ref _now);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks * 100);

    public void AdvanceNanos(long nanos) => Interlocked.Add(ref _now, nanos);

    public void Set(long nanos) => Volatile.Write(ref _now, nanos);
}
