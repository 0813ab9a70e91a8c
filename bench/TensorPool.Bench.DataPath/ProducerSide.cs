using System.Diagnostics;
using TensorPool.Client;
using TensorPool.Producers;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.Bench.DataPath;

/// <summary>The producing process's client and producer, ready once the consumer child has mapped the new epoch.</summary>
internal sealed class ProducerSide : IDisposable
{
    private ulong _epoch;
    private int _consumerMapped;

    public ProducerSide(string baseDir, string nameSpace, int slots, uint stride, bool waitForConsumer)
    {
        Client = BenchClient.Connect(baseDir, nameSpace, OnQos);
        Producer = Client.AddProducer(new ProducerOptions
        {
            StreamId = Harness.StreamId,
            HeaderNslots = slots,
            Pools = [new PayloadPoolOptions(1, stride)],
        });
        Volatile.Write(ref _epoch, Producer.Epoch);
        var clock = Stopwatch.StartNew();
        while (waitForConsumer && Volatile.Read(ref _consumerMapped) == 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("the consumer did not map the producer's epoch within 60 s");
            }
            Client.DoWork();
            Thread.Sleep(1);
        }
    }

    public TensorPoolClient Client { get; }

    public Producer Producer { get; }

    public void Dispose()
    {
        Producer.Dispose();
        Client.Dispose();
    }

    private void OnQos(ReadOnlySpan<byte> message)
    {
        if (SbeMessageHeader.TryRead(message, out SbeMessageHeader h) && h.TemplateId == QosConsumerDecoder.TemplateId &&
            h.SchemaId == QosConsumerDecoder.SchemaId && QosConsumerDecoder.TryWrap(message, out QosConsumerDecoder q) &&
            q.Epoch == Volatile.Read(ref _epoch))
        {
            Volatile.Write(ref _consumerMapped, 1);
        }
    }
}
