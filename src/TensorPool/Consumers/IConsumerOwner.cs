namespace TensorPool.Consumers;

/// <summary>
/// What runs a consumer's duty cycle (the client conductor), told when the consumer is disposed. Declared here so that
/// consumers never reference the client that builds on them (docs/DECISIONS.md, D90).
/// </summary>
internal interface IConsumerOwner
{
    /// <summary>Take the consumer out of the duty cycle; its announce tracker is closed on the conductor's thread.</summary>
    void Remove(Consumer consumer);

    /// <summary>Wake the duty cycle now if it sleeps to its next deadline: something it sends has changed.</summary>
    void Wake();
}
