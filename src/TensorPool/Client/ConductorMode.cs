namespace TensorPool.Client;

/// <summary>How a <see cref="TensorPoolClient"/>'s conductor duty cycle runs.</summary>
public enum ConductorMode
{
    /// <summary>On its own thread (an AgentRunner with <see cref="ClientOptions.ConductorIdleStrategy"/>): the default.</summary>
    DedicatedThread,

    /// <summary>On the application's thread: call <see cref="TensorPoolClient.DoWork"/> from your loop (AgentInvoker).</summary>
    Invoker,
}
