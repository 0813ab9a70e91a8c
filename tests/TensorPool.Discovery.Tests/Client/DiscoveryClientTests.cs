using TensorPool.Client;
using TensorPool.Sbe.Discovery;
using TensorPool.Testing;
using static TensorPool.Discovery.Tests.Client.ResponseBuilder;

namespace TensorPool.Discovery.Tests.Client;

/// <summary>Discovery spec §7 (client behaviour), §5.1–§5.2 (client rules) and §10 (versions), against a fake provider.</summary>
public sealed class DiscoveryClientTests
{
    private const string RequestChannel = "tp:ipc?name=provider";
    private const int RequestStream = 7000;

    private static TensorPoolClient Connect(LoopbackTransport transport, TimeSpan? timeout = null) => TensorPoolClient.Connect(new ClientOptions
    {
        Transport = transport,
        Discovery = new DiscoveryOptions { RequestChannel = RequestChannel, RequestStreamId = RequestStream, Timeout = timeout ?? TimeSpan.FromSeconds(30) },
    });

    private static (LoopbackTransport, Responder, TensorPoolClient) Setup(Func<Responder.Request, IEnumerable<byte[]>> answer, TimeSpan? timeout = null)
    {
        var transport = new LoopbackTransport(maxMessageLength: 1 << 20);
        var responder = new Responder(transport, RequestChannel, RequestStream, answer);
        return (transport, responder, Connect(transport, timeout));
    }

    [Test]
    public void The_request_carries_the_filters_and_a_response_endpoint_that_is_not_the_request_endpoint_4_3_5_1()
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q => [Build(q.RequestId, DiscoveryStatus.Ok)]);
        using (t)
        using (r)
        using (c)
        {
            c.DiscoverAsync(new DiscoveryQuery { StreamId = 10000, ProducerId = 3, DataSourceId = 9, DataSourceName = "Camé", Tags = ["a", "B"] })
                .GetAwaiter().GetResult();
            Responder.Request q = r.Received.Single();
            Assert.That((q.StreamId, q.ProducerId, q.DataSourceId, q.Name), Is.EqualTo(((uint?)10000, (uint?)3, (ulong?)9, "Camé")));
            Assert.That(q.Tags, Is.EqualTo(new[] { "a", "B" }));
            Assert.That((q.ResponseChannel, q.ResponseStreamId), Is.EqualTo(("tp:ipc?name=default", 7004u)),
                "a non-empty channel naming the client's namespace, a non-zero stream, not the request endpoint");
            Assert.That(q.ClientId, Is.Not.Zero);
        }
    }

    [Test]
    public void Absent_filters_are_sent_as_null_values_5_0()
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q => [Build(q.RequestId, DiscoveryStatus.Ok)]);
        using (t)
        using (r)
        using (c)
        {
            c.DiscoverAsync().GetAwaiter().GetResult();
            Responder.Request q = r.Received.Single();
            Assert.That((q.StreamId, q.ProducerId, q.DataSourceId, q.Name, q.Tags.Count), Is.EqualTo(((uint?)null, (uint?)null, (ulong?)null, "", 0)));
        }
    }

    [Test]
    public void Request_ids_count_up_from_a_random_seed_7_B1()
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q => [Build(q.RequestId, DiscoveryStatus.Ok)]);
        using (t)
        using (r)
        using (c)
        using (TensorPoolClient other = Connect(t))
        {
            c.DiscoverAsync().GetAwaiter().GetResult();
            c.DiscoverAsync().GetAwaiter().GetResult();
            other.DiscoverAsync().GetAwaiter().GetResult();
            ulong[] ids = [.. r.Received.Select(x => x.RequestId)];
            Assert.That(ids[1], Is.EqualTo(ids[0] + 1));
            Assert.That(ids[2], Is.Not.EqualTo(ids[0]).And.Not.EqualTo(ids[1]), "another client starts elsewhere");
            Assert.That(ids[0], Is.GreaterThan(1000ul), "not a fixed small start");
        }
    }

    [Test]
    public void Responses_with_an_unknown_request_id_are_dropped_5_2()
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q =>
            [Build(q.RequestId + 1, DiscoveryStatus.Ok, new Item(StreamId: 1)), Build(q.RequestId, DiscoveryStatus.Ok, new Item(StreamId: 2))]);
        using (t)
        using (r)
        using (c)
        {
            DiscoveryResult result = c.DiscoverAsync().GetAwaiter().GetResult();
            Assert.That(result.Streams.Select(s => s.StreamId), Is.EqualTo(new[] { 2u }));
            Assert.That(c.DiscoveryCounters.UnknownRequestIds, Is.EqualTo(1));
        }
    }

    [Test]
    public void Results_are_deduplicated_by_instance_stream_and_epoch_and_stale_epochs_discarded_7()
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q => [Build(q.RequestId, DiscoveryStatus.Ok,
            new Item(Epoch: 5), new Item(Epoch: 5), new Item(Epoch: 9), new Item(Epoch: 7), new Item(Instance: "driver-b", Epoch: 1))]);
        using (t)
        using (r)
        using (c)
        {
            DiscoveryResult result = c.DiscoverAsync().GetAwaiter().GetResult();
            Assert.That(result.Streams.Select(s => (s.DriverInstanceId, s.StreamId, s.Epoch)),
                Is.EqualTo(new[] { ("driver-a", 10000u, 9ul), ("driver-b", 10000u, 1ul) }));
            Assert.That(result.DuplicateResults, Is.EqualTo(3));
        }
    }

    private static IEnumerable<TestCaseData> InvalidItems()
    {
        yield return new TestCaseData(new Item(Channel: "")).SetName("A_result_with_an_empty_driver_control_channel_is_ignored_and_counted_5_2");
        yield return new TestCaseData(new Item(ControlStreamId: 0)).SetName("A_result_with_driver_control_stream_id_0_is_ignored_and_counted_5_2");
        yield return new TestCaseData(new Item(PoolNslots: 8)).SetName("A_result_whose_pool_nslots_differs_from_header_nslots_is_ignored_5_2");
        yield return new TestCaseData(new Item(Instance: "")).SetName("A_result_with_an_empty_driver_instance_id_is_ignored_5_2");
        yield return new TestCaseData(new Item(StreamId: 0)).SetName("A_result_with_stream_id_0_is_ignored_5_2");
        yield return new TestCaseData(new Item(SlotBytes: 512)).SetName("A_result_with_header_slot_bytes_other_than_256_is_ignored_5_2");
    }

    [TestCaseSource(nameof(InvalidItems))]
    public void Invalid_results_are_ignored_and_counted(Item invalid)
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q => [Build(q.RequestId, DiscoveryStatus.Ok, invalid, new Item(StreamId: 2))]);
        using (t)
        using (r)
        using (c)
        {
            DiscoveryResult result = c.DiscoverAsync().GetAwaiter().GetResult();
            Assert.That(result.Streams.Select(s => s.StreamId), Is.EqualTo(new[] { 2u }));
            Assert.That(result.InvalidResults, Is.EqualTo(1));
            Assert.That(c.DiscoveryCounters.InvalidResults, Is.EqualTo(1));
        }
    }

    [TestCase(DiscoveryStatus.NotFound)]
    [TestCase(DiscoveryStatus.Error)]
    public void Results_that_come_with_NOT_FOUND_or_ERROR_are_ignored_5_2(DiscoveryStatus status)
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q => [Build(q.RequestId, (byte)status, [new Item(), new Item(StreamId: 3)], error: "why")]);
        using (t)
        using (r)
        using (c)
        {
            DiscoveryResult result = c.DiscoverAsync().GetAwaiter().GetResult();
            Assert.That((result.Status, result.Streams.Count, result.InvalidResults), Is.EqualTo((status, 0, 2)));
            Assert.That(result.ErrorMessage, Is.EqualTo("why"));
        }
    }

    [TestCase((ushort)0)]
    [TestCase((ushort)2)]
    public void Responses_of_another_schema_version_are_rejected_10(ushort version)
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q =>
            [Build(q.RequestId, (byte)DiscoveryStatus.Ok, [new Item(StreamId: 1)], version), Build(q.RequestId, DiscoveryStatus.Ok, new Item(StreamId: 2))]);
        using (t)
        using (r)
        using (c)
        {
            DiscoveryResult result = c.DiscoverAsync().GetAwaiter().GetResult();
            Assert.That(result.Streams.Single().StreamId, Is.EqualTo(2));
            Assert.That(c.DiscoveryCounters.UnsupportedVersions, Is.EqualTo(1));
        }
    }

    [Test]
    public void A_status_outside_the_schema_is_malformed_and_waits_for_a_good_response()
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q => [Build(q.RequestId, 9, []), Build(q.RequestId, DiscoveryStatus.Ok)]);
        using (t)
        using (r)
        using (c)
        {
            Assert.That(c.DiscoverAsync().GetAwaiter().GetResult().Status, Is.EqualTo(DiscoveryStatus.Ok));
            Assert.That(c.DiscoveryCounters.Malformed, Is.EqualTo(1));
        }
    }

    [Test]
    public void No_response_is_a_TimeoutException_naming_the_endpoints_7()
    {
        using var transport = new LoopbackTransport();
        using TensorPoolClient c = Connect(transport, TimeSpan.FromMilliseconds(300));
        TimeoutException e = Assert.ThrowsAsync<TimeoutException>(() => c.DiscoverAsync())!;
        Assert.That(e.Message, Does.Contain(RequestChannel).And.Contain("7000").And.Contain("7004"));
        Assert.That(c.DiscoveryCounters.Timeouts, Is.EqualTo(1));
    }

    [Test]
    public void Cancellation_ends_the_wait()
    {
        using var transport = new LoopbackTransport();
        using TensorPoolClient c = Connect(transport);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.CatchAsync<OperationCanceledException>(() => c.DiscoverAsync(null, cts.Token));
    }

    [Test]
    public void Names_and_tags_come_back_byte_for_byte_5_1()
    {
        (LoopbackTransport t, Responder r, TensorPoolClient c) = Setup(q => [Build(q.RequestId, DiscoveryStatus.Ok,
            new Item(Name: "Cam\u00e9\u0001\u00ff", Tags: ["Front", "front", "\u00e9t\u00e9"]))]);
        using (t)
        using (r)
        using (c)
        {
            DiscoveredStream s = c.DiscoverAsync().GetAwaiter().GetResult().Streams.Single();
            Assert.That(s.DataSourceName, Is.EqualTo("Cam\u00e9\u0001\u00ff"));
            Assert.That(s.Tags, Is.EqualTo(new[] { "Front", "front", "\u00e9t\u00e9" }));
        }
    }

    [Test]
    public void By_default_requests_go_to_the_driver_control_endpoint_4_2()
    {
        using var transport = new LoopbackTransport();
        using var responder = new Responder(transport, "tp:ipc?name=d", 1234, q => [Build(q.RequestId, DiscoveryStatus.Ok)]);
        using TensorPoolClient c = TensorPoolClient.Connect(new ClientOptions
        {
            Transport = transport,
            Driver = new DriverClient.DriverClientOptions { ControlChannel = "tp:ipc?name=d", ControlStreamId = 1234 },
        });
        Assert.That(c.DiscoveryEndpoints.RequestChannel, Is.EqualTo("tp:ipc?name=d"));
        Assert.That(c.DiscoverAsync().GetAwaiter().GetResult().Status, Is.EqualTo(DiscoveryStatus.Ok));
    }

    [Test]
    public void Without_a_driver_the_client_control_stream_is_asked()
    {
        using var transport = new LoopbackTransport();
        using TensorPoolClient c = TensorPoolClient.Connect(new ClientOptions { Transport = transport });
        Assert.That((c.DiscoveryEndpoints.RequestChannel, c.DiscoveryEndpoints.RequestStreamId), Is.EqualTo(("tp:ipc", 1000)));
    }

    [Test]
    public void AddConsumer_refuses_a_result_without_a_driver_or_of_another_driver_3()
    {
        using var transport = new LoopbackTransport();
        var stream = new DiscoveredStream { StreamId = 10000, LayoutVersion = 1, DriverInstanceId = "d", DriverControlChannel = "tp:ipc?name=x", DriverControlStreamId = 1000 };
        using (TensorPoolClient noDriver = TensorPoolClient.Connect(new ClientOptions { Transport = transport }))
        {
            var e = Assert.Throws<InvalidOperationException>(() => noDriver.AddConsumer(stream))!;
            Assert.That(e.Message, Does.Contain("ToDriverClientOptions"));
        }
        using (TensorPoolClient other = TensorPoolClient.Connect(new ClientOptions
        {
            Transport = transport,
            Driver = new DriverClient.DriverClientOptions { ControlChannel = "tp:ipc?name=y", ControlStreamId = 1000 },
        }))
        {
            var e = Assert.Throws<InvalidOperationException>(() => other.AddConsumer(stream))!;
            Assert.That(e.Message, Does.Contain("tp:ipc?name=y").And.Contain("tp:ipc?name=x"));
            Assert.Throws<InvalidOperationException>(() => other.AddConsumer(stream with { DriverControlChannel = "tp:ipc?name=y", LayoutVersion = 2 }),
                "a layout this library does not read");
        }
    }

    [Test]
    public void Plain_tp_ipc_and_the_namespace_spelled_out_are_the_same_endpoint()
    {
        Assert.That(DiscoveryEndpoints.SameChannel("tp:ipc", "tp:ipc?name=ns", "ns"), Is.True);
        Assert.That(DiscoveryEndpoints.SameChannel("tp:ipc", "tp:ipc?name=other", "ns"), Is.False);
        Assert.That(DiscoveryEndpoints.SameChannel("aeron:ipc", "aeron:ipc", "ns"), Is.True);
    }
}
