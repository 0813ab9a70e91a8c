using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Driver.Tests.Protocol;
using TensorPool.DriverClient;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.Driver;
using TensorPool.Time;
using TensorPool.TraceLink;

namespace TensorPool.Driver.Tests.DataPath;

/// <summary>
/// A traced producer in the driver model (TraceLink §6.2, §8.1): its node id is the one the driver assigned in
/// ShmAttachResponse, and its trace ids go on increasing across a re-grant's new epoch (D152).
/// </summary>
public sealed class TracedProducerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static (DriverHarness, TensorPoolClient) Start(uint? configuredNodeId)
    {
        var harness = new DriverHarness(o =>
        {
            o.Clock = MonotonicClock.Instance;
            o.ThreadingMode = DriverThreadingMode.DedicatedThread;
            o.AnnouncePeriodMs = 100;
        });
        harness.Start();
        TensorPoolClient client = TensorPoolClient.Connect(new ClientOptions
        {
            Transport = harness.ClientTransport,
            ShmBaseDir = harness.Options.ShmBaseDir,
            Namespace = harness.Options.Namespace,
            AnnouncePeriod = TimeSpan.FromMilliseconds(100),
            FreshnessWindow = TimeSpan.FromSeconds(10),
            TraceNodeId = configuredNodeId,
            Driver = new DriverClientOptions { AnnouncePeriod = TimeSpan.FromMilliseconds(100), DriverTimeout = TimeSpan.FromSeconds(10) },
        });
        return (harness, client);
    }

    /// <summary>Offer frames and poll until <paramref name="done"/> holds for the (epoch, trace id) pairs that arrived.</summary>
    private static List<(ulong Epoch, ulong TraceId)> Flow(Producer producer, Consumer consumer, Func<List<(ulong Epoch, ulong TraceId)>, bool> done)
    {
        var seen = new List<(ulong, ulong)>();
        DateTime deadline = DateTime.UtcNow + Patience;
        while (!done(seen))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"frames did not flow: {seen.Count} seen");
            producer.TryOffer(new byte[16]);
            consumer.Poll((in Frame f) => seen.Add((f.Epoch, f.TraceId)), 64);
            Thread.Sleep(2);
        }
        return seen;
    }

    [Test]
    public void A_traced_producer_takes_the_node_id_the_driver_assigned_over_the_configured_one_6_2()
    {
        (DriverHarness harness, TensorPoolClient client) = Start(configuredNodeId: 1000);
        using (harness)
        using (client)
        {
            using Consumer consumer = client.AddConsumer(DriverHarness.Stream);
            using Producer producer = client.AddProducer(new ProducerOptions { StreamId = DriverHarness.Stream, Trace = true });
            uint? granted = producer.DriverLease!.Grant!.NodeId;
            Assert.That(granted, Is.Not.Null, "the driver assigns node ids");
            Assert.That(granted, Is.Not.EqualTo(1000u));

            List<(ulong Epoch, ulong TraceId)> seen = Flow(producer, consumer, f => f.Count >= 5);
            Assert.That(producer.Tracing!.Generator.NodeId, Is.EqualTo(granted));
            Assert.That(seen.Select(f => TraceId.NodeId(f.TraceId)), Has.All.EqualTo(granted!.Value));
        }
    }

    [Test]
    public void A_traced_producer_without_a_configured_node_id_attaches_through_the_driver_6_2()
    {
        (DriverHarness harness, TensorPoolClient client) = Start(configuredNodeId: null);
        using (harness)
        using (client)
        {
            using Producer producer = client.AddProducer(new ProducerOptions { StreamId = DriverHarness.Stream, Trace = true });
            Assert.That(producer.IsTraced, Is.True);
            Assert.That(producer.Tracing!.Generator.NodeId, Is.EqualTo(producer.DriverLease!.Grant!.NodeId));
        }
    }

    [Test]
    public void Trace_ids_continue_increasing_across_a_regrants_new_epoch_8_1()
    {
        (DriverHarness harness, TensorPoolClient client) = Start(configuredNodeId: null);
        using (harness)
        using (client)
        {
            using Consumer consumer = client.AddConsumer(DriverHarness.Stream);
            using Producer producer = client.AddProducer(new ProducerOptions { StreamId = DriverHarness.Stream, Trace = true });
            ulong first = producer.Epoch;
            uint node = producer.Tracing!.Generator.NodeId;
            Flow(producer, consumer, f => f.Count >= 5);
            LeaseGrant grant = producer.DriverLease!.Grant!;
            harness.Send(harness.DetachBytes(4242, grant.LeaseId, grant.ClientId, Role.Producer)); // revoked, re-granted in a new epoch
            List<(ulong Epoch, ulong TraceId)> seen = Flow(producer, consumer, f => f.Count > 3 && f[^1].Epoch > first && f[^2].Epoch > first);

            Assert.That(producer.Epoch, Is.GreaterThan(first));
            Assert.That(seen.Select(f => f.TraceId), Is.Ordered.Ascending.And.Unique, "D152: ids continue across the epoch change");
            Assert.That(seen.Select(f => f.TraceId), Has.None.EqualTo(TraceId.Null));
            Assert.That(producer.Tracing.Generator.NodeId, Is.EqualTo(node), "§6.2: stable for the process");
        }
    }
}
