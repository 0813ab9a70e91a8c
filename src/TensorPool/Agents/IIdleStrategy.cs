namespace TensorPool.Agents;

/// <summary>What an agent's thread does between duty cycles that found no work.</summary>
public interface IIdleStrategy
{
    /// <summary>Idle according to the work count of the last duty cycle (resets when work was done).</summary>
    void Idle(int workCount);

    /// <summary>Idle unconditionally, escalating as the strategy does.</summary>
    void Idle();

    /// <summary>Forget any escalation (called after work was done).</summary>
    void Reset();
}
