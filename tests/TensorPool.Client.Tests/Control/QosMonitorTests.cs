using TensorPool.Client.Tests.DataPath;
using TensorPool.Consumers;
using TensorPool.Control;
using TensorPool.Producers;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;
using TensorPool.Time;

namespace TensorPool.Client.Tests.Control;

/// <summary>QosMonitor: per-stream status from announces, hello, QoS (§10.4) and data source messages, read as hostile input.</summary>
public class QosMonitorTests
{
    private readonly ManualClock _clock = new();

    private static byte[] Announce(uint stream, ulong epoch, uint producer = 7, params (ushort Id, uint Nslots, uint Stride)[] pools)
    {
        byte[] buffer = new byte[1024];
        var a = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        a.StreamId = stream;
        a.ProducerId = producer;
        a.Epoch = epoch;
        a.LayoutVersion = 1;
        a.HeaderNslots = 64;
        a.HeaderSlotBytes = 256;
        var group = a.PayloadPoolsCount(pools.Length);
        foreach ((ushort id, uint nslots, uint stride) in pools)
        {
            group.Next();
            group.PoolId = id;
            group.PoolNslots = nslots;
            group.StrideBytes = stride;
            group.PutRegionUri("shm:file?path=/dev/shm/x".AsSpan());
        }
        a.PutHeaderRegionUri("shm:file?path=/dev/shm/x/header.ring".AsSpan());
        return buffer[..a.EncodedLength];
    }

    private static byte[] QosProducer(uint stream, ulong epoch, ulong seq, uint producer = 7)
    {
        byte[] buffer = new byte[128];
        var q = QosProducerEncoder.WrapAndApplyHeader(buffer);
        q.StreamId = stream;
        q.ProducerId = producer;
        q.Epoch = epoch;
        q.CurrentSeq = seq;
        return buffer[..q.EncodedLength];
    }

    private static byte[] QosConsumer(uint stream, uint consumer, ulong epoch, ulong lastSeq, ulong gap = 0, ulong late = 0, Mode mode = Mode.Stream)
    {
        byte[] buffer = new byte[128];
        var q = QosConsumerEncoder.WrapAndApplyHeader(buffer);
        q.StreamId = stream;
        q.ConsumerId = consumer;
        q.Epoch = epoch;
        q.LastSeqSeen = lastSeq;
        q.DropsGap = gap;
        q.DropsLate = late;
        q.Mode = mode;
        return buffer[..q.EncodedLength];
    }

    private static byte[] DataSource(uint stream, byte[] name)
    {
        byte[] buffer = new byte[2048];
        var d = DataSourceAnnounceEncoder.WrapAndApplyHeader(buffer);
        d.StreamId = stream;
        d.Epoch = 1;
        d.PutName(name);
        return buffer[..d.EncodedLength];
    }

    [Test]
    public void Announce_and_QoS_give_a_stream_its_producer_pools_rate_and_consumers_10_4()
    {
        var table = new QosMonitor(_clock);

        Assert.That(table.Offer(Announce(10000, 5, 7, (1, 64, 4096), (2, 64, 1 << 20))), Is.True);
        Assert.That(table.Offer(QosProducer(10000, 5, 100)), Is.True);
        Assert.That(table.Offer(QosConsumer(10000, 42, 5, 90, gap: 3, late: 4)), Is.True);
        _clock.Advance(TimeSpan.FromSeconds(2));
        table.Offer(QosProducer(10000, 5, 300));
        table.Offer(QosConsumer(10000, 42, 5, 250, gap: 3, late: 9, mode: Mode.RateLimited));

        StreamStatus s = table.Snapshot().Single();
        Assert.That(s.StreamId, Is.EqualTo(10000));
        Assert.That(s.Epoch, Is.EqualTo(5));
        Assert.That(s.ProducerId, Is.EqualTo(7));
        Assert.That(s.HeaderNslots, Is.EqualTo(64));
        Assert.That(s.Pools, Is.EqualTo(new[] { new PoolStatus(1, 64, 4096), new PoolStatus(2, 64, 1 << 20) }));
        Assert.That(s.CurrentSeq, Is.EqualTo(300));
        Assert.That(s.FramesPerSecond, Is.EqualTo(100.0));
        Assert.That(s.LastSeenNs, Is.EqualTo(_clock.NanoTime()));
        ConsumerStatus c = s.Consumers.Single();
        Assert.That(c, Is.EqualTo(new ConsumerStatus(42, Mode.RateLimited, 5, 250, 3, 9, 80.0, 49, _clock.NanoTime(), Stale: false)));
        Assert.That(table.Applied, Is.EqualTo(5));
    }

    [Test]
    public void A_rate_needs_two_reports_of_one_epoch_and_a_new_epoch_starts_over_15_2()
    {
        var table = new QosMonitor(_clock);
        table.Offer(QosProducer(1, 5, 100));
        Assert.That(table.Snapshot()[0].FramesPerSecond, Is.Null, "one report: no rate");

        _clock.Advance(TimeSpan.FromSeconds(1));
        table.Offer(QosProducer(1, 5, 150));
        Assert.That(table.Snapshot()[0].FramesPerSecond, Is.EqualTo(50.0));

        _clock.Advance(TimeSpan.FromSeconds(1));
        table.Offer(QosProducer(1, 6, 3)); // a restarted producer
        StreamStatus s = table.Snapshot()[0];
        Assert.That(s.Epoch, Is.EqualTo(6));
        Assert.That(s.CurrentSeq, Is.EqualTo(3));
        Assert.That(s.FramesPerSecond, Is.Null, "no rate across epochs");
    }

    [Test]
    public void Lag_counts_frames_after_last_seen_within_one_epoch_and_is_never_negative_10_4_2()
    {
        var table = new QosMonitor(_clock);
        table.Offer(QosProducer(1, 5, 100));
        table.Offer(QosConsumer(1, 1, 5, 102)); // reported after the producer's last report
        table.Offer(QosConsumer(1, 4, 5, 99));  // has seen the newest frame: currentSeq is the next one
        table.Offer(QosConsumer(1, 2, 4, 10));  // still on the old epoch
        table.Offer(QosConsumer(1, 3, 5, 60));

        ConsumerStatus[] c = [.. table.Snapshot()[0].Consumers];
        Assert.That(c.Select(x => x.Lag), Is.EqualTo(new long?[] { 0, null, 39, 0 }));
    }

    [Test]
    public void A_consumer_may_report_before_any_producer_and_hello_gives_its_mode()
    {
        var table = new QosMonitor(_clock);
        byte[] buffer = new byte[256];
        var h = ConsumerHelloEncoder.WrapAndApplyHeader(buffer);
        h.StreamId = 3;
        h.ConsumerId = 9;
        h.Mode = Mode.RateLimited;

        Assert.That(table.Offer(buffer.AsSpan(0, h.EncodedLength)), Is.True);

        StreamStatus s = table.Snapshot().Single();
        Assert.That(s.Epoch, Is.Null);
        Assert.That(s.ProducerId, Is.Null);
        Assert.That(s.Consumers.Single().Mode, Is.EqualTo(Mode.RateLimited));
        Assert.That(s.Consumers.Single().Lag, Is.Null);
    }

    [Test]
    public void Data_source_names_are_kept_printable_and_bounded()
    {
        var table = new QosMonitor(_clock);
        table.Offer(DataSource(1, [(byte)'c', 0x1b, (byte)'[', (byte)'2', (byte)'J', 0xFF]));
        Assert.That(table.Snapshot()[0].Name, Is.EqualTo("c?[2J?"));

        table.Offer(DataSource(1, [.. Enumerable.Repeat((byte)'a', 1000)]));
        Assert.That(table.Snapshot()[0].Name, Has.Length.EqualTo(QosMonitor.MaxNameLength));
    }

    [Test]
    public void Malformed_and_other_messages_are_counted_never_thrown()
    {
        var table = new QosMonitor(_clock);
        byte[] announce = Announce(1, 1, 7, (1, 8, 64));
        for (int cut = 0; cut < announce.Length; cut++)
        {
            Assert.That(table.Offer(announce.AsSpan(0, cut)), Is.False);
        }
        Assert.That(table.Malformed, Is.EqualTo(announce.Length));

        byte[] descriptor = new byte[64];
        var e = FrameDescriptorEncoder.WrapAndApplyHeader(descriptor);
        Assert.That(table.Offer(descriptor.AsSpan(0, e.EncodedLength)), Is.False);
        byte[] otherSchema = new byte[16];
        new SbeMessageHeader(8, 1, 1234, 0).Write(otherSchema);
        Assert.That(table.Offer(otherSchema), Is.False);
        Assert.That(table.Ignored, Is.EqualTo(2));
        Assert.That(table.Snapshot(), Is.Empty);

        var random = new Random(10);
        for (int i = 0; i < 5000; i++)
        {
            byte[] bytes = (byte[])announce.Clone();
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            table.Offer(bytes); // any outcome but an exception
        }
        Assert.That(table.Applied + table.Malformed + table.Ignored, Is.EqualTo(5000 + announce.Length + 2));
    }

    [Test]
    public void Streams_and_consumers_beyond_the_bounds_are_counted_not_kept()
    {
        var table = new QosMonitor(_clock, maxStreams: 2, maxConsumersPerStream: 3);
        for (uint id = 0; id < 5; id++)
        {
            table.Offer(QosProducer(id, 1, 1));
            table.Offer(QosConsumer(0, id, 1, 1));
        }
        Assert.That(table.Snapshot().Select(s => s.StreamId), Is.EqualTo(new uint[] { 0, 1 }));
        Assert.That(table.Snapshot()[0].Consumers, Has.Count.EqualTo(3));
        Assert.That(table.Overflowed, Is.EqualTo(3 + 2));
    }

    [Test]
    public void Prune_forgets_consumers_then_streams_not_heard_of()
    {
        var table = new QosMonitor(_clock);
        table.Offer(QosProducer(1, 1, 1));
        table.Offer(QosConsumer(1, 10, 1, 1));
        table.Offer(QosProducer(2, 1, 1));
        _clock.Advance(TimeSpan.FromSeconds(20));
        table.Offer(QosProducer(1, 1, 2));

        table.Prune(TimeSpan.FromSeconds(10));

        StreamStatus only = table.Snapshot().Single();
        Assert.That(only.StreamId, Is.EqualTo(1));
        Assert.That(only.Consumers, Is.Empty, "the consumer went quiet");
    }

    [Test]
    public void Unchanged_announces_keep_their_pool_list_and_changed_ones_replace_it()
    {
        var table = new QosMonitor(_clock);
        table.Offer(Announce(1, 1, 7, (1, 8, 64)));
        IReadOnlyList<PoolStatus> first = table.Snapshot()[0].Pools;
        table.Offer(Announce(1, 1, 7, (1, 8, 64)));
        Assert.That(table.Snapshot()[0].Pools, Is.SameAs(first), "no allocation for a repeated announce");

        table.Offer(Announce(1, 1, 7, (1, 8, 64), (2, 8, 4096)));
        Assert.That(table.Snapshot()[0].Pools, Has.Count.EqualTo(2));
        table.Offer(Announce(1, 1, 7, (1, 16, 64), (2, 8, 4096)));
        Assert.That(table.Snapshot()[0].Pools[0].Nslots, Is.EqualTo(16));
    }

    [Test]
    public void Producers_and_consumers_not_heard_of_within_the_window_are_stale()
    {
        var monitor = new QosMonitor(_clock, staleAfter: TimeSpan.FromSeconds(3));
        monitor.Offer(Announce(1, 1, 7, (1, 8, 64)));
        Assert.That(monitor.Snapshot()[0].ProducerStale, Is.True, "an announce is no QosProducer");
        monitor.Offer(QosProducer(1, 1, 1));
        monitor.Offer(QosConsumer(1, 10, 1, 0));
        StreamStatus fresh = monitor.Snapshot()[0];
        Assert.That(fresh.ProducerStale, Is.False);
        Assert.That(fresh.LastProducerQosNs, Is.EqualTo(_clock.NanoTime()));
        Assert.That(fresh.Consumers.Single().Stale, Is.False);

        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.That(monitor.Snapshot()[0].ProducerStale, Is.False, "exactly the window is not yet stale");
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        monitor.Offer(QosConsumer(1, 10, 1, 0));
        monitor.Offer(Announce(1, 1, 7, (1, 8, 64)));
        StreamStatus later = monitor.Snapshot()[0];
        Assert.That(later.ProducerStale, Is.True, "announces do not refresh the producer's QoS");
        Assert.That(later.Consumers.Single().Stale, Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new QosMonitor(_clock, staleAfter: TimeSpan.Zero));
    }

    [Test]
    public void Monitor_aggregates_producer_and_consumer_qos_of_a_real_client_with_lag_10_4()
    {
        QosMonitor? monitor = null;
        using var h = new Harness(o => o.QosHandler = m => monitor!.Offer(m));
        monitor = new QosMonitor(h.Clock);
        using Producer producer = h.Client.AddProducer(new ProducerOptions { HeaderNslots = 64, Pools = [new PayloadPoolOptions(1, 256)] });
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        for (int i = 0; i < 10; i++)
        {
            producer.TryOffer(new byte[8]);
        }
        Harness.PollAll(consumer);
        for (int i = 0; i < 5; i++)
        {
            producer.TryOffer(new byte[8]);
        }
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Work();
        StreamStatus stream = monitor.Snapshot().Single();
        Assert.That(stream.StreamId, Is.EqualTo(producer.StreamId));
        Assert.That(stream.ProducerId, Is.EqualTo(producer.ProducerId));
        Assert.That(stream.CurrentSeq, Is.EqualTo(15));
        Assert.That(stream.ProducerStale, Is.False);
        ConsumerStatus c = stream.Consumers.Single();
        Assert.That(c.ConsumerId, Is.EqualTo(consumer.ConsumerId));
        Assert.That(c.LastSeqSeen, Is.EqualTo(9));
        Assert.That(c.Lag, Is.EqualTo(5), "seqs 10..14 published, not seen");
        Assert.That(c.Stale, Is.False);
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.That(monitor.Snapshot().Single().Consumers.Single().Stale, Is.True);
        h.Clock.Advance(TimeSpan.FromSeconds(90));
        monitor.Prune(TimeSpan.FromSeconds(10));
        Assert.That(monitor.Snapshot(), Is.Empty);
    }

    [Test]
    public void Monitor_counts_a_truncated_qos_message_as_malformed()
    {
        var monitor = new QosMonitor(_clock);
        byte[] qos = new byte[QosConsumerEncoder.MinEncodedLength];
        QosConsumerEncoder.WrapAndApplyHeader(qos);
        Assert.That(monitor.Offer(qos.AsSpan(0, 12)), Is.False);
        Assert.That(monitor.Malformed, Is.EqualTo(1));
        Assert.That(monitor.Offer(new byte[4]), Is.False);
        Assert.That(monitor.Malformed, Is.EqualTo(2), "too short for a header");
        Assert.That(monitor.Snapshot(), Is.Empty);
    }

    [Test]
    public void Drops_gap_and_late_reach_qos_consumer_15_13()
    {
        QosMonitor? monitor = null;
        using var h = new Harness(o => o.QosHandler = m => monitor!.Offer(m));
        monitor = new QosMonitor(h.Clock);
        using Producer producer = h.Client.AddProducer(new ProducerOptions { HeaderNslots = 4, Pools = [new PayloadPoolOptions(1, 256)] });
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        producer.TryOffer(new byte[8]);
        Harness.PollAll(consumer);
        for (int i = 0; i < 6; i++)
        {
            producer.TryOffer(new byte[8]); // laps the 4-slot ring: the first two are overwritten before the consumer reads them
        }
        Harness.PollAll(consumer);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Work();
        ConsumerStatus c = monitor.Snapshot().Single().Consumers.Single();
        Assert.That(c.DropsLate, Is.EqualTo((ulong)consumer.Counters.DropsLate));
        Assert.That(c.DropsLate, Is.GreaterThan(0));
        Assert.That(c.DropsGap, Is.EqualTo((ulong)(consumer.Counters.DropsGap + consumer.Counters.DropsResync)));
    }
}
