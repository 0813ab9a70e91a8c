namespace TensorPool.Agents;

/// <summary>
/// A unit of work run by an <see cref="AgentRunner"/> on its own thread or by an
/// <see cref="AgentInvoker"/> on the application's thread (the Agrona/Aeron agent model).
/// </summary>
/// <remarks>
/// <see cref="DoWork"/> is the duty cycle: it must not block, should do a bounded amount of work,
/// and returns how much it did so the idle strategy can back off when there is nothing to do.
/// </remarks>
public interface IAgent
{
    /// <summary>A short name for threads, logs and errors.</summary>
    string RoleName { get; }

    /// <summary>Called once on the agent's thread before the first duty cycle.</summary>
    void OnStart();

    /// <summary>One duty cycle; returns the amount of work done (0 when idle).</summary>
    int DoWork();

    /// <summary>Called once on the agent's thread after the last duty cycle.</summary>
    void OnClose();
}
