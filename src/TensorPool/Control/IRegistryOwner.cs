namespace TensorPool.Control;

/// <summary>The producer side a <see cref="ConsumerRegistry"/> updates.</summary>
internal interface IRegistryOwner
{
    /// <summary>Publish a new fan-out to the producer's thread.</summary>
    void SetFanout(ConsumerFanout fanout);

    /// <summary>Dispose these publications once the producer's thread can no longer be using them.</summary>
    void Retire(IDisposable[] publications);
}
