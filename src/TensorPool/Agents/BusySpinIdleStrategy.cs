namespace TensorPool.Agents;

/// <summary>Never yields the core: lowest latency, one core fully used. Pair with CPU pinning.</summary>
public sealed class BusySpinIdleStrategy : IIdleStrategy
{
    public static readonly BusySpinIdleStrategy Instance = new();

    public void Idle(int workCount)
    {
        if (workCount <= 0)
        {
            Thread.SpinWait(1);
        }
    }

    public void Idle() => Thread.SpinWait(1);

    public void Reset()
    {
    }
}
