namespace TensorPool.Agents;

/// <summary>Yields the thread's time slice when idle: low latency, gives way to other runnable threads.</summary>
public sealed class YieldingIdleStrategy : IIdleStrategy
{
    public static readonly YieldingIdleStrategy Instance = new();

    public void Idle(int workCount)
    {
        if (workCount <= 0)
        {
            Thread.Yield();
        }
    }

    public void Idle() => Thread.Yield();

    public void Reset()
    {
    }
}
