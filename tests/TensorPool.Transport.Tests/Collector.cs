using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>A handler that keeps a copy of every message it is given.</summary>
internal struct Collector : IMessageHandler
{
    public Collector()
    {
    }

    public List<byte[]> Messages { get; } = [];

    public readonly void OnMessage(ReadOnlySpan<byte> message) => Messages.Add(message.ToArray());
}
