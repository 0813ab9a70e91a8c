namespace TensorPool.Transport;

/// <summary>
/// Receives messages of one (channel, stream id) in order. Poll from one thread; a message span is
/// valid only during the handler call (copy what you keep). Loss (a lapped subscriber, a skipped
/// stalled record) is counted in <see cref="Counters"/>, never hidden.
/// </summary>
public interface ISubscription : IDisposable
{
    string Channel { get; }

    int StreamId { get; }

    bool IsClosed { get; }

    /// <summary>Loss and delivery counters for this subscription.</summary>
    SubscriptionCounters Counters { get; }

    /// <summary>
    /// Deliver up to <paramref name="messageLimit"/> messages to the handler; returns how many were
    /// delivered. A struct handler passed by reference keeps the call free of allocation.
    /// </summary>
    int Poll<THandler>(ref THandler handler, int messageLimit)
        where THandler : struct, IMessageHandler;

    /// <summary>Delegate-based convenience for code off the hot path.</summary>
    int Poll(MessageHandler handler, int messageLimit);
}
