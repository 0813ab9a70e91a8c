namespace TensorPool.Producers;

/// <summary>
/// What runs a producer's duty cycle (the client conductor), told when the producer is disposed. Declared here so that
/// producers never reference the client that builds on them (docs/DECISIONS.md, D90).
/// </summary>
internal interface IProducerOwner
{
    /// <summary>Take the producer out of the duty cycle; what it owns on the conductor's thread is closed there.</summary>
    void Remove(Producer producer);

    /// <summary>Wake the duty cycle now if it sleeps to its next deadline: something it sends has changed.</summary>
    void Wake();
}
