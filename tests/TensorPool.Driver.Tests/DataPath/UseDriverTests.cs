using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Driver.Tests.Protocol;
using TensorPool.DriverClient;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.Driver;
using TensorPool.Time;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;

namespace TensorPool.Driver.Tests.DataPath;

/// <summary>
/// The UseDriver mode of producer and consumer (driver spec §3, §4, §4.9) against an embedded driver on its own thread,
/// over tp:ipc, in real time (every wait is bounded and generous; nothing is timed).
/// </summary>
public sealed class UseDriverTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private sealed class Setup : IDisposable
    {
        public Setup(uint? announceStreamId = null)
        {
            Harness = new DriverHarness(o =>
            {
                o.Clock = MonotonicClock.Instance;
                o.ThreadingMode = DriverThreadingMode.DedicatedThread;
                o.AnnouncePeriodMs = 100;
                o.AnnounceStreamId = announceStreamId;
            });
            Harness.Start();
            Client = TensorPoolClient.Connect(new ClientOptions
            {
                Transport = Harness.ClientTransport,
                ShmBaseDir = Harness.Options.ShmBaseDir,
                Namespace = Harness.Options.Namespace,
                AnnouncePeriod = TimeSpan.FromMilliseconds(100),
                FreshnessWindow = TimeSpan.FromSeconds(10),
                Driver = new DriverClientOptions
                {
                    AnnouncePeriod = TimeSpan.FromMilliseconds(100),
                    DriverTimeout = TimeSpan.FromSeconds(10),
                    AnnounceStreamId = (int?)announceStreamId,
                },
            });
        }

        public DriverHarness Harness { get; }

        public TensorPoolClient Client { get; }

        public DriverStatus Status => Harness.Driver.Status;

        public void Dispose()
        {
            Client.Dispose();
            Harness.Dispose();
        }
    }

    /// <summary>Offer frames and poll until <paramref name="done"/> holds for what arrived (bounded).</summary>
    private static List<(ulong Epoch, ulong Seq, byte First)> Flow(Producer producer, Consumer consumer, Func<List<(ulong Epoch, ulong Seq, byte First)>, bool> done)
    {
        var seen = new List<(ulong, ulong, byte)>();
        byte[] payload = new byte[48];
        var deadline = DateTime.UtcNow + Patience;
        byte n = 0;
        while (!done(seen))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"frames did not flow: {seen.Count} seen, consumer {consumer.State} epoch {consumer.Epoch}, producer epoch {producer.Epoch}");
            payload[0] = ++n;
            producer.TryOffer(payload);
            consumer.Poll((in Frame f) => seen.Add((f.Epoch, f.Seq, f.Payload[0])), 64);
            Thread.Sleep(2);
        }
        return seen;
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), what);
            Thread.Sleep(5);
        }
    }

    [Test]
    public void Consumers_map_from_the_drivers_announce_stream_when_it_is_not_the_control_stream_2_1()
    {
        // The reference's driver files announce on 1001, the control stream being 1000.
        using var s = new Setup(announceStreamId: 1001);
        Consumer consumer = s.Client.AddConsumer(DriverHarness.Stream);
        Producer producer = s.Client.AddProducer(DriverHarness.Stream);
        List<(ulong Epoch, ulong Seq, byte First)> seen = Flow(producer, consumer, f => f.Count >= 5);
        Assert.That(seen.Select(f => f.Epoch).Distinct().Single(), Is.EqualTo(producer.Epoch));
    }

    [Test]
    public void Producer_and_consumer_attach_and_frames_flow_in_the_driver_epoch()
    {
        using var s = new Setup();
        Consumer consumer = s.Client.AddConsumer(DriverHarness.Stream);
        Producer producer = s.Client.AddProducer(DriverHarness.Stream);
        // The driver publishes its status at the end of the duty cycle that answered the attach: the reply can be first.
        WaitFor(() => s.Status.Streams.Any(x => x.StreamId == DriverHarness.Stream && x.ProducerClientId != 0), "the status shows the attach");
        StreamInfo stream = s.Status.Streams.Single(x => x.StreamId == DriverHarness.Stream);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(producer.UsesDriver, Is.True);
            Assert.That(producer.Epoch, Is.EqualTo(stream.Epoch), "the driver's epoch");
            Assert.That(stream.ProducerClientId, Is.EqualTo(producer.ProducerId), "§8: announces name the attached producer");
            Assert.That(producer.HeaderNslots, Is.EqualTo(8), "the driver's profile, not the producer's options");
            Assert.That(producer.Pools.Select(p => p.StrideBytes), Is.EqualTo(new uint[] { 64, 256 }));
            Assert.That(producer.HeaderRegionUri, Does.Contain(s.Harness.Options.ShmBaseDir));
            Assert.That(s.Status.Leases.Select(l => (l.ClientId, l.Role)),
                Is.EquivalentTo(new[] { (producer.ProducerId, "Producer"), (consumer.ConsumerId, "Consumer") }));
        }
        List<(ulong Epoch, ulong Seq, byte First)> seen = Flow(producer, consumer, f => f.Count >= 20);
        Assert.That(seen.Select(f => f.Epoch).Distinct(), Is.EqualTo(new[] { producer.Epoch }));
        producer.Dispose();
        consumer.Dispose();
        WaitFor(() => s.Status.Leases.Count == 0, "the leases were detached");
    }

    [Test]
    public void Second_producer_on_the_stream_is_rejected_5()
    {
        using var s = new Setup();
        using Producer first = s.Client.AddProducer(DriverHarness.Stream);
        var e = Assert.Throws<DriverAttachException>(() => s.Client.AddProducer(DriverHarness.Stream))!;
        Assert.That(e.Code, Is.EqualTo(ResponseCode.Rejected));
        Assert.That(s.Status.Leases, Has.Count.EqualTo(1));
    }

    [Test]
    public void Revoked_producer_reattaches_and_frames_flow_in_the_higher_epoch_4_9()
    {
        using var s = new Setup();
        Consumer consumer = s.Client.AddConsumer(DriverHarness.Stream);
        Producer producer = s.Client.AddProducer(DriverHarness.Stream);
        ulong first = producer.Epoch;
        Flow(producer, consumer, f => f.Count >= 5);
        LeaseGrant grant = producer.DriverLease!.Grant!;
        // Someone detaches the producer's lease: DETACHED revocation, epoch bump, the client reattaches.
        s.Harness.Send(s.Harness.DetachBytes(4242, grant.LeaseId, grant.ClientId, Role.Producer));
        List<(ulong Epoch, ulong Seq, byte First)> seen = Flow(producer, consumer, f => f.Count > 0 && f[^1].Epoch > first);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(producer.Epoch, Is.GreaterThan(first));
            Assert.That(producer.EpochSwitches, Is.EqualTo(1));
            Assert.That(producer.DriverLease!.Losses, Is.EqualTo(1));
            Assert.That(consumer.Epoch, Is.EqualTo(producer.Epoch));
            int switchAt = seen.FindIndex(f => f.Epoch > first);
            Assert.That(seen.Skip(switchAt).All(f => f.Epoch == producer.Epoch), Is.True, "nothing of the old epoch after the new one");
            Assert.That(seen[switchAt].Seq, Is.LessThan(1000UL), "the new epoch's sequence starts again");
        }
    }

    [Test]
    public void Consumer_that_loses_its_lease_unmaps_then_maps_again_after_the_regrant_4_9()
    {
        using var s = new Setup();
        Consumer consumer = s.Client.AddConsumer(DriverHarness.Stream);
        Producer producer = s.Client.AddProducer(DriverHarness.Stream);
        Flow(producer, consumer, f => f.Count >= 5);
        AnnounceTracker tracker = consumer.Tracker!;
        long mappings = tracker.Mappings;
        var lease = (DriverLease)tracker.Lease!;
        LeaseGrant grant = lease.Grant!;
        s.Harness.Send(s.Harness.DetachBytes(4343, grant.LeaseId, grant.ClientId, Role.Consumer));
        WaitFor(() => lease.Losses == 1 && lease.State == DriverLeaseState.Attached, "the consumer lease was lost and granted again");
        Flow(producer, consumer, f => tracker.Mappings > mappings && f.Count >= 5);
        Assert.That(consumer.Epoch, Is.EqualTo(producer.Epoch), "the producer's epoch did not change: a consumer lease is not an epoch event");
    }

    [Test]
    public void No_driver_fails_the_producer_with_a_timeout()
    {
        using var dir = new Testing.TempDirectory();
        using var transport = new Transport.TpIpcTransport(new Transport.TpIpcOptions { BaseDir = dir.Path, Namespace = "t" });
        using var client = TensorPoolClient.Connect(new ClientOptions
        {
            Transport = transport,
            ShmBaseDir = dir.Path,
            Driver = new DriverClientOptions { AttachTimeout = TimeSpan.FromMilliseconds(300), ResponseTimeout = TimeSpan.FromMilliseconds(100) },
        });
        Assert.Throws<TimeoutException>(() => client.AddProducer(DriverHarness.Stream));
        Assert.Throws<TimeoutException>(() => client.AddConsumer(DriverHarness.Stream));
        Assert.That(Directory.EnumerateFileSystemEntries(dir.Path, "*.ring", SearchOption.AllDirectories), Is.Empty, "no regions were created");
    }
}
