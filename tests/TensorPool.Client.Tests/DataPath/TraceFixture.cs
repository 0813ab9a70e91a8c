using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// The setup of the trace id tests: a <see cref="DataPath.Harness"/> (with TraceLink node id <see cref="NodeId"/> when
/// traced) and the producer/consumer pairs made on it, all disposed with the fixture.
/// </summary>
internal sealed class TraceFixture : IDisposable
{
    /// <summary>The client's configured TraceLink node id when traced (§6.2).</summary>
    public const uint NodeId = 37;

    private readonly List<IDisposable> _owned = [];

    public TraceFixture(bool traced) => Harness = traced ? new Harness(o => o.TraceNodeId = NodeId) : new Harness();

    public Harness Harness { get; }

    /// <summary>A producer with <paramref name="options"/> and a consumer of its stream that has mapped it.</summary>
    public (Producer Producer, Consumer Consumer) Pair(ProducerOptions options)
    {
        Producer producer = Harness.Client.AddProducer(options);
        _owned.Add(producer);
        Consumer consumer = Harness.Client.AddConsumer(producer.StreamId);
        _owned.Add(consumer);
        Harness.Work();
        consumer.Poll(static (in Frame _) => { }, 1); // maps
        return (producer, consumer);
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
        Harness.Dispose();
    }
}
