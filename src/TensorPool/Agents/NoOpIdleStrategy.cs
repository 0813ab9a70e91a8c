namespace TensorPool.Agents;

/// <summary>Does nothing between duty cycles: for agents invoked from a loop that already idles.</summary>
public sealed class NoOpIdleStrategy : IIdleStrategy
{
    public static readonly NoOpIdleStrategy Instance = new();

    public void Idle(int workCount)
    {
    }

    public void Idle()
    {
    }

    public void Reset()
    {
    }
}
