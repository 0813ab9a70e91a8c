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

    /// <summary>
    /// Give up the backlog: pass over the messages published so far and not yet delivered, except about the newest
    /// <paramref name="keepMessages"/> if they were <paramref name="messageLength"/> bytes each (0: keep none and
    /// continue with the next message published; Aeron: moving an image's position up to its tail). For a reader too
    /// far behind to want old messages. Returns how many were passed over; they are counted in
    /// <see cref="SubscriptionCounters.SkippedMessages"/>, not as lost. Call from the polling thread, between polls or
    /// from inside a handler (the rest of that poll then continues after the skip).
    /// </summary>
    long SkipBacklog(int keepMessages, int messageLength);
}
