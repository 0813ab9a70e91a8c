namespace TensorPool.Driver;

/// <summary>Where the driver's duty cycle runs (Aeron's dedicated agent thread or invoker).</summary>
public enum DriverThreadingMode
{
    /// <summary>On a thread of its own, idling with the configured strategy.</summary>
    DedicatedThread,

    /// <summary>From the embedding application's loop through <see cref="TensorPoolDriver.DoWork"/>.</summary>
    Invoker,
}
