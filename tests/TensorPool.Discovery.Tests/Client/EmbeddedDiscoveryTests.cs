using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Control;
using TensorPool.Driver;
using TensorPool.Driver.Configuration;
using TensorPool.DriverClient;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.Discovery;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Discovery.Tests.Client;

/// <summary>
/// The provider embedded in an in-process driver (discovery spec §2.2, §4.2, §6.4) and a client that discovers a
/// stream and attaches from the result (§7), over tp:ipc in real time (waits bounded and generous, nothing timed).
/// </summary>
public sealed class EmbeddedDiscoveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private sealed class Deployment : IDisposable
    {
        public Deployment(Action<DriverOptions>? configure = null)
        {
            Options = new DriverOptions
            {
                InstanceId = "driver-e2e",
                ShmBaseDir = Path.Combine(Dir.Path, "shm"),
                IpcBaseDir = Path.Combine(Dir.Path, "ipc"),
                Namespace = "e2e",
                PermissionsMode = "600",
                AnnouncePeriodMs = 100,
                Profiles = [new ProfileDefinition("p", 16, [new PayloadPoolDefinition(1, 64), new PayloadPoolDefinition(2, 1024)])],
                Streams = [new StreamDefinition("s", 10000)],
            };
            Options.Discovery.StreamTags[10000] = ["lab", "camera"];
            configure?.Invoke(Options);
            Driver = TensorPoolDriver.Start(Options);
            Transport = new TpIpcTransport(new TpIpcOptions { BaseDir = Options.IpcBaseDir, Namespace = Options.Namespace });
        }

        public TempDirectory Dir { get; } = new();

        public DriverOptions Options { get; }

        public TensorPoolDriver Driver { get; }

        public TpIpcTransport Transport { get; }

        public TensorPoolClient Client(TimeSpan? timeout = null) => TensorPoolClient.Connect(new ClientOptions
        {
            Transport = Transport,
            ShmBaseDir = Options.ShmBaseDir,
            Namespace = Options.Namespace,
            AnnouncePeriod = TimeSpan.FromMilliseconds(100),
            FreshnessWindow = TimeSpan.FromSeconds(10),
            Driver = new DriverClientOptions { AnnouncePeriod = TimeSpan.FromMilliseconds(100), DriverTimeout = TimeSpan.FromSeconds(10) },
            Discovery = new DiscoveryOptions { Timeout = timeout ?? TimeSpan.FromSeconds(10) },
        });

        public void Dispose()
        {
            Driver.Dispose();
            Transport.Dispose();
            Dir.Dispose();
        }
    }

    /// <summary>Ask until the answer satisfies <paramref name="done"/> (announces and metadata arrive at 10 Hz).</summary>
    private static DiscoveryResult Until(TensorPoolClient client, DiscoveryQuery query, Func<DiscoveryResult, bool> done)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            DiscoveryResult r = client.DiscoverAsync(query).GetAwaiter().GetResult();
            if (done(r))
            {
                return r;
            }
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"last answer: {r.Status} with {r.Streams.Count} stream(s)");
            Thread.Sleep(50);
        }
    }

    [Test]
    public void The_driver_answers_on_its_control_endpoint_with_its_stream_name_and_tags_4_2_6_4()
    {
        using var d = new Deployment();
        using TensorPoolClient producing = d.Client();
        using Producer producer = producing.AddProducer(new ProducerOptions
        {
            StreamId = 10000,
            Name = "front camera",
            Metadata = [MetaAttribute.Text("tags", "front, rgb"), MetaAttribute.Text("data_source_id", "4242")],
        });
        using TensorPoolClient asking = d.Client();
        DiscoveryResult r = Until(asking, new DiscoveryQuery { Tags = ["front"] }, x => x.Streams.Count == 1);
        DiscoveredStream s = r.Streams.Single();
        Assert.That((s.StreamId, s.DataSourceName, s.DataSourceId), Is.EqualTo((10000u, "front camera", (ulong?)4242)));
        Assert.That(s.Tags, Is.EquivalentTo(new[] { "lab", "camera", "front", "rgb" }), "configured and metadata tags");
        Assert.That((s.DriverInstanceId, s.DriverControlChannel, s.DriverControlStreamId), Is.EqualTo(("driver-e2e", "tp:ipc", 1000u)));
        Assert.That(s.Epoch, Is.EqualTo(producer.Epoch), "the epoch the driver granted and announces");
        Assert.That((s.HeaderNslots, s.Pools.Select(p => (p.PoolId, p.PoolNslots, p.StrideBytes))),
            Is.EqualTo((16u, new[] { ((ushort)1, 16u, 64u), ((ushort)2, 16u, 1024u) })));
        Assert.That(asking.DiscoverAsync(new DiscoveryQuery { Tags = ["front", "ir"] }).GetAwaiter().GetResult().Status,
            Is.EqualTo(DiscoveryStatus.NotFound));
        Assert.That(d.Driver.DiscoveryCounters!.AnsweredOk, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public void A_consumer_attaches_through_the_driver_a_result_names_and_gets_frames_7()
    {
        using var d = new Deployment();
        using TensorPoolClient producing = d.Client();
        using Producer producer = producing.AddProducer(new ProducerOptions { StreamId = 10000, Name = "cam" });
        using TensorPoolClient consuming = d.Client();
        DiscoveredStream s = Until(consuming, new DiscoveryQuery { DataSourceName = "cam" }, x => x.Streams.Count == 1).Streams.Single();
        using Consumer consumer = consuming.AddConsumer(s);
        Assert.That(consumer.StreamId, Is.EqualTo(s.StreamId));
        var seen = new List<byte>();
        DateTime deadline = DateTime.UtcNow + Patience;
        byte n = 0;
        while (seen.Count < 10)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"frames did not flow: consumer {consumer.State}");
            if (producer.TryClaim(48, out FrameClaim claim))
            {
                claim.Payload[0] = ++n;
                producer.Commit(ref claim);
            }
            consumer.Poll((in Frame f) => seen.Add(f.Payload[0]), 64);
            Thread.Sleep(2);
        }
        Assert.That(consumer.Epoch, Is.EqualTo(s.Epoch), "mapped the epoch the result named, validated through the attach");
    }

    [Test]
    public void With_discovery_disabled_the_driver_does_not_answer()
    {
        using var d = new Deployment(o => o.Discovery.Enabled = false);
        using TensorPoolClient asking = d.Client(TimeSpan.FromMilliseconds(500));
        Assert.ThrowsAsync<TimeoutException>(() => asking.DiscoverAsync());
        Assert.That(d.Driver.DiscoveryCounters, Is.Null);
    }

    [Test]
    public void An_inventory_request_lists_the_drivers_announced_streams_and_nothing_before_an_epoch_exists_5_2()
    {
        using var d = new Deployment();
        using TensorPoolClient asking = d.Client();
        DiscoveryResult before = asking.DiscoverAsync().GetAwaiter().GetResult();
        Assert.That((before.Status, before.Streams.Count), Is.EqualTo((DiscoveryStatus.Ok, 0)), "no epoch yet: nothing announced");
        using TensorPoolClient producing = d.Client();
        using Producer producer = producing.AddProducer(new ProducerOptions { StreamId = 10000 });
        DiscoveryResult after = Until(asking, new DiscoveryQuery(), x => x.Streams.Count == 1);
        Assert.That(after.Streams.Single().ProducerId, Is.EqualTo(producer.ProducerId));
    }

    [Test]
    public void A_result_of_an_older_epoch_attaches_to_the_epoch_the_driver_grants_now_3_7()
    {
        using var d = new Deployment();
        using TensorPoolClient producing = d.Client();
        DiscoveredStream old;
        using (Producer first = producing.AddProducer(new ProducerOptions { StreamId = 10000, Name = "cam" }))
        {
            using TensorPoolClient asking = d.Client();
            old = Until(asking, new DiscoveryQuery { DataSourceName = "cam" }, x => x.Streams.Count == 1).Streams.Single();
            Assert.That(old.Epoch, Is.EqualTo(first.Epoch));
        }
        using Producer producer = producing.AddProducer(new ProducerOptions { StreamId = 10000, Name = "cam" });
        Assert.That(producer.Epoch, Is.GreaterThan(old.Epoch), "the driver started a new epoch for the new producer");
        using TensorPoolClient consuming = d.Client();
        using Consumer consumer = consuming.AddConsumerAsync(old).WaitAsync(Patience).GetAwaiter().GetResult();
        int frames = 0;
        DateTime deadline = DateTime.UtcNow + Patience;
        while (frames < 5)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"frames did not flow: consumer {consumer.State}");
            if (producer.TryClaim(48, out FrameClaim claim))
            {
                producer.Commit(ref claim);
            }
            consumer.Poll((in Frame _) => frames++, 64);
            Thread.Sleep(2);
        }
        Assert.That(consumer.Epoch, Is.EqualTo(producer.Epoch), "mapped what the driver grants now, not what the result said (§3)");
    }

    [Test]
    public void AddConsumerAsync_refuses_a_result_of_another_driver_before_asking_anything_3()
    {
        using var d = new Deployment();
        using TensorPoolClient client = d.Client();
        var elsewhere = new DiscoveredStream { StreamId = 10000, LayoutVersion = 1, DriverInstanceId = "other", DriverControlChannel = "tp:ipc?name=other", DriverControlStreamId = 1000 };
        Assert.Throws<InvalidOperationException>(() => client.AddConsumerAsync(elsewhere));
        Assert.That(d.Driver.Counters.AttachOk, Is.Zero, "nothing was attached");
    }
}
