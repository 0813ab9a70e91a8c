using TensorPool.Client.Tests.DataPath;
using TensorPool.Transport;

namespace TensorPool.Client.Tests.Control;

/// <summary>Reads and writes raw messages on one stream of a harness's loopback transport (crafted and observed traffic).</summary>
internal sealed class ControlProbe : IDisposable
{
    private readonly ISubscription _subscription;
    private readonly IPublication _publication;

    public ControlProbe(Harness h, int streamId)
    {
        _subscription = h.Transport.AddSubscription(h.Options.Channel, streamId);
        _publication = h.Transport.AddPublication(h.Options.Channel, streamId);
    }

    public void Send(ReadOnlySpan<byte> message) => Assert.That(_publication.Offer(message), Is.GreaterThanOrEqualTo(0));

    /// <summary>Every message received since the last call, copied.</summary>
    public List<byte[]> Drain()
    {
        var collector = new Collector(new List<byte[]>());
        while (_subscription.Poll(ref collector, 256) > 0)
        {
        }
        return collector.Messages;
    }

    /// <summary>The messages of one template received since the last call.</summary>
    public List<byte[]> Drain(ushort templateId) =>
        [.. Drain().Where(m => Sbe.SbeMessageHeader.TryRead(m, out var h) && h.SchemaId == 900 && h.TemplateId == templateId)];

    public void Dispose()
    {
        _subscription.Dispose();
        _publication.Dispose();
    }

    private readonly struct Collector(List<byte[]> messages) : IMessageHandler
    {
        public List<byte[]> Messages { get; } = messages;

        public void OnMessage(ReadOnlySpan<byte> message) => Messages.Add(message.ToArray());
    }
}
