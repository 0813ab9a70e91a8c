using TensorPool.Transport;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// A transport that runs <see cref="OnDispose"/> when one of its subscriptions is disposed (before closing it): puts
/// something another thread might do at an exact instant of the caller's code.
/// </summary>
internal sealed class HookedTransport(ITransport inner) : ITransport
{
    public Action<ISubscription>? OnDispose { get; set; }

    public IPublication AddPublication(string channel, int streamId) => inner.AddPublication(channel, streamId);

    public ISubscription AddSubscription(string channel, int streamId) => new Hooked(this, inner.AddSubscription(channel, streamId));

    public void Dispose() => inner.Dispose();

    private sealed class Hooked(HookedTransport owner, ISubscription inner) : ISubscription
    {
        private int _hooked;

        public string Channel => inner.Channel;

        public int StreamId => inner.StreamId;

        public bool IsClosed => inner.IsClosed;

        public SubscriptionCounters Counters => inner.Counters;

        public int Poll<THandler>(ref THandler handler, int messageLimit)
            where THandler : struct, IMessageHandler => inner.Poll(ref handler, messageLimit);

        public int Poll(MessageHandler handler, int messageLimit) => inner.Poll(handler, messageLimit);

        public long SkipBacklog(int keepMessages, int messageLength) => inner.SkipBacklog(keepMessages, messageLength);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _hooked, 1) == 0)
            {
                owner.OnDispose?.Invoke(this);
            }
            inner.Dispose();
        }
    }
}
