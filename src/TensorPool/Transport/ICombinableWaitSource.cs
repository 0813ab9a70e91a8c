using TensorPool.Agents;

namespace TensorPool.Transport;

/// <summary>
/// A wait source made of a <see cref="SubscriptionWaitSet"/> and, perhaps, a timer: what a <see cref="CombinedWaitSource"/>
/// can sleep on together with others (a consumer's, a client conductor's).
/// </summary>
internal interface ICombinableWaitSource : IWaitSource
{
    /// <summary>The subscriptions and doorbell the source sleeps on.</summary>
    SubscriptionWaitSet WaitSet { get; }

    /// <summary>Nanoseconds until the source's next timer is due (0: due now), or -1 when it has none.</summary>
    long TimeUntilDueNs();
}
