using TensorPool.Transport;

namespace TensorPool.Driver.Tests.Client;

/// <summary>
/// A transport whose subscriptions run <see cref="BeforePoll"/> at the start of every poll: lets a test act at a precise
/// point of a duty cycle (after its commands were drained, before the driver's messages are read).
/// </summary>
internal sealed class PollHookTransport(ITransport inner) : ITransport
{
    public Action? BeforePoll { get; set; }

    public IPublication AddPublication(string channel, int streamId) => inner.AddPublication(channel, streamId);

    public ISubscription AddSubscription(string channel, int streamId) => new Hooked(this, inner.AddSubscription(channel, streamId));

    public void Dispose()
    {
        // The inner transport belongs to the test's harness.
    }

    private sealed class Hooked(PollHookTransport owner, ISubscription inner) : ISubscription
    {
        public string Channel => inner.Channel;

        public int StreamId => inner.StreamId;

        public bool IsClosed => inner.IsClosed;

        public SubscriptionCounters Counters => inner.Counters;

        public int Poll<THandler>(ref THandler handler, int messageLimit)
            where THandler : struct, IMessageHandler
        {
            owner.BeforePoll?.Invoke();
            return inner.Poll(ref handler, messageLimit);
        }

        public int Poll(MessageHandler handler, int messageLimit)
        {
            owner.BeforePoll?.Invoke();
            return inner.Poll(handler, messageLimit);
        }

        public long SkipBacklog(int keepMessages, int messageLength) => inner.SkipBacklog(keepMessages, messageLength);

        public void Dispose() => inner.Dispose();
    }
}
