using TensorPool.Client.Tests.DataPath;
using TensorPool.Consumers;
using TensorPool.Control;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;

namespace TensorPool.Client.Tests.Control;

public class QosMonitorTests
{
    [Test]
    public void Monitor_aggregates_producer_and_consumer_qos_per_stream_with_lag_10_4()
    {
        var monitor = new QosMonitor();
        using var h = new Harness(o => o.QosHandler = m => monitor.OnMessage(m, 1_000));
        using Producer producer = h.Client.AddProducer(new ProducerOptions { HeaderNslots = 64, Pools = [new PayloadPoolOptions(1, 256)] });
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        for (int i = 0; i < 10; i++)
        {
            producer.Offer(new byte[8]);
        }
        Harness.PollAll(consumer);
        for (int i = 0; i < 5; i++)
        {
            producer.Offer(new byte[8]);
        }
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Work();
        QosStreamSnapshot stream = monitor.Snapshot(1_000).Single();
        Assert.That(stream.StreamId, Is.EqualTo(producer.StreamId));
        Assert.That(stream.ProducerId, Is.EqualTo(producer.ProducerId));
        Assert.That(stream.CurrentSeq, Is.EqualTo(15));
        Assert.That(stream.ProducerStale, Is.False);
        QosConsumerSnapshot c = stream.Consumers.Single();
        Assert.That(c.ConsumerId, Is.EqualTo(consumer.ConsumerId));
        Assert.That(c.LastSeqSeen, Is.EqualTo(9));
        Assert.That(c.Lag, Is.EqualTo(5));
        Assert.That(c.Stale, Is.False);
        Assert.That(monitor.Snapshot(10_000_000_000).Single().Consumers.Single().Stale, Is.True);
        monitor.Expire(100_000_000_000, TimeSpan.FromSeconds(10));
        Assert.That(monitor.Snapshot(0), Is.Empty);
    }

    [Test]
    public void Monitor_counts_malformed_messages_and_ignores_other_schemas()
    {
        var monitor = new QosMonitor();
        byte[] qos = new byte[QosConsumerEncoder.MinEncodedLength];
        QosConsumerEncoder.WrapAndApplyHeader(qos);
        Assert.That(monitor.OnMessage(qos.AsSpan(0, 12), 0), Is.True);
        Assert.That(monitor.Malformed, Is.EqualTo(1));
        Assert.That(monitor.OnMessage(new byte[4], 0), Is.False);
    }

    [Test]
    public void Drops_gap_and_late_reach_qos_consumer_15_13()
    {
        var monitor = new QosMonitor();
        using var h = new Harness(o => o.QosHandler = m => monitor.OnMessage(m, 0));
        using Producer producer = h.Client.AddProducer(new ProducerOptions { HeaderNslots = 4, Pools = [new PayloadPoolOptions(1, 256)] });
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        producer.Offer(new byte[8]);
        Harness.PollAll(consumer);
        for (int i = 0; i < 6; i++)
        {
            producer.Offer(new byte[8]); // laps the 4-slot ring: the first two are overwritten before the consumer reads them
        }
        Harness.PollAll(consumer);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Work();
        QosConsumerSnapshot c = monitor.Snapshot(0).Single().Consumers.Single();
        Assert.That(c.DropsLate, Is.EqualTo((ulong)consumer.Counters.DropsLate));
        Assert.That(c.DropsLate, Is.GreaterThan(0));
        Assert.That(c.DropsGap, Is.EqualTo((ulong)(consumer.Counters.DropsGap + consumer.Counters.DropsResync)));
    }
}
