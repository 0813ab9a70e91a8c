using TensorPool.Interop;

namespace TensorPool.Agents;

/// <summary>Sleeps a fixed period when idle: cheapest on CPU, latency up to the period.</summary>
public sealed class SleepingIdleStrategy : IIdleStrategy
{
    private readonly TimeSpan _period;

    public SleepingIdleStrategy(TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.Zero);
        _period = period;
    }

    /// <summary>A 1 ms sleep, the usual choice for background agents.</summary>
    public SleepingIdleStrategy()
        : this(TimeSpan.FromMilliseconds(1))
    {
    }

    public TimeSpan Period => _period;

    public void Idle(int workCount)
    {
        if (workCount <= 0)
        {
            LibC.SleepNanoseconds(_period.Ticks * 100);
        }
    }

    public void Idle() => LibC.SleepNanoseconds(_period.Ticks * 100);

    public void Reset()
    {
    }
}
