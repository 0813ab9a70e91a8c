using TensorPool.Transport;

namespace TensorPool.Bench.Latency;

/// <summary>Counts messages (nothing else), so polling cost is the transport's.</summary>
internal struct CountingHandler : IMessageHandler
{
    public long Count;

    public void OnMessage(ReadOnlySpan<byte> message) => Count++;
}
