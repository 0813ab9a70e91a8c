using System.Text;
using TensorPool.Sbe.Discovery;
using static TensorPool.Discovery.Tests.Provider.ProviderHarness;

namespace TensorPool.Discovery.Tests.Provider;

/// <summary>Discovery spec §5.1: filters, tags, names, response endpoints.</summary>
public sealed class RequestTests
{
    private static ProviderHarness Fleet()
    {
        var h = new ProviderHarness();
        h.Stream(DriverA, 10000, epoch: 5, "front", tags: "camera,rgb", dataSourceId: 11);
        h.Stream(DriverA, 10001, epoch: 6, "rear", tags: "camera,ir", dataSourceId: 12);
        h.Stream(DriverB, 10000, epoch: 7, "lidar", tags: "Lidar", dataSourceId: 13);
        return h;
    }

    [Test]
    public void A_request_without_filters_lists_every_stream_5_1()
    {
        using ProviderHarness h = Fleet();
        Response r = h.Single();
        Assert.That(r.Status, Is.EqualTo(DiscoveryStatus.Ok));
        Assert.That(r.Results.Select(x => (x.DriverInstanceId, x.StreamId)),
            Is.EqualTo(new[] { ("driver-a", 10000u), ("driver-a", 10001u), ("driver-b", 10000u) }));
    }

    [TestCase(10000u, null, null, null, null, new[] { "front", "lidar" })]
    [TestCase(10000u, null, null, "camera", null, new[] { "front" })]
    [TestCase(null, null, 12ul, null, null, new[] { "rear" })]
    [TestCase(null, 7u, null, "camera", "rear", new[] { "rear" })]
    [TestCase(10001u, null, 11ul, null, null, new string[0])]
    public void Filters_are_ANDed_5_1(uint? stream, uint? producer, ulong? id, string? tag, string? name, string[] expected)
    {
        using ProviderHarness h = Fleet();
        List<Response> responses = h.Request(streamId: stream, producerId: producer, dataSourceId: id, tags: tag is null ? null : [tag], name: name);
        Assert.That(responses.Single().Results.Select(x => Encoding.ASCII.GetString(x.Name)), Is.EqualTo(expected));
    }

    [Test]
    public void Tag_matching_is_case_sensitive_5_1()
    {
        using ProviderHarness h = Fleet();
        Assert.That(h.Single(tags: ["lidar"]).Status, Is.EqualTo(DiscoveryStatus.NotFound));
        Assert.That(h.Single(tags: ["Lidar"]).Results.Single().DriverInstanceId, Is.EqualTo("driver-b"));
        Assert.That(h.Single(tags: ["CAMERA"]).Status, Is.EqualTo(DiscoveryStatus.NotFound));
    }

    [Test]
    public void Every_requested_tag_must_be_present_5_1()
    {
        using ProviderHarness h = Fleet();
        Assert.That(h.Single(tags: ["camera", "ir"]).Results.Select(x => x.StreamId), Is.EqualTo(new[] { 10001u }));
        Assert.That(h.Single(tags: ["camera", "ir", "rgb"]).Status, Is.EqualTo(DiscoveryStatus.NotFound));
    }

    [Test]
    public void Duplicate_tags_in_a_request_count_once_5_1()
    {
        using ProviderHarness h = Fleet();
        Assert.That(h.Single(tags: ["camera", "camera", "rgb", "camera"]).Results.Select(x => x.StreamId), Is.EqualTo(new[] { 10000u }));
    }

    [Test]
    public void Each_result_carries_the_streams_full_tag_set_5_2()
    {
        using ProviderHarness h = Fleet();
        Assert.That(h.Single(tags: ["ir"]).Results.Single().Tags, Is.EqualTo(new[] { "camera", "ir" }), "not only the tag asked for");
    }

    [Test]
    public void Data_source_names_are_matched_and_returned_byte_for_byte_5_1()
    {
        using var h = new ProviderHarness();
        byte[] name = [0x43, 0x61, 0x6d, 0xe9, 0x20, 0x01, 0x7f, 0xff]; // "Cam\xe9 \x01\x7f\xff": not even ASCII
        h.Announce(DriverA, 10000, epoch: 5);
        h.DataSource(DriverA, 10000, epoch: 5, name);
        Response r = h.Request(EncodeRequest(name: name)).Single();
        Assert.That(r.Results.Single().Name, Is.EqualTo(name));
        Assert.That(h.Request(EncodeRequest(name: [0x63, 0x61, 0x6d, 0xe9, 0x20, 0x01, 0x7f, 0xff])).Single().Status,
            Is.EqualTo(DiscoveryStatus.NotFound), "case-sensitive: 'c' is not 'C'");
        Assert.That(h.Request(EncodeRequest(name: name[..^1])).Single().Status, Is.EqualTo(DiscoveryStatus.NotFound), "a prefix is not the name");
    }

    [Test]
    public void An_empty_name_or_tag_is_not_provided_5_0()
    {
        using ProviderHarness h = Fleet();
        Response r = h.Request(EncodeRequest(tags: ["", "camera"], name: [])).Single();
        Assert.That(r.Results.Select(x => x.StreamId), Is.EqualTo(new[] { 10000u, 10001u }));
    }

    [Test]
    public void A_request_with_an_empty_response_channel_is_dropped_without_any_response_5_1()
    {
        using ProviderHarness h = Fleet();
        var everywhere = h.Transport.AddSubscription("", ResponseStreamId);
        Assert.That(h.Request(EncodeRequest(responseChannel: "")), Is.Empty);
        Assert.That(h.Request(EncodeRequest(responseChannel: "", responseStreamId: 0)), Is.Empty, "also with a response stream id of 0");
        Assert.That(h.Drain(everywhere), Is.Empty);
        Assert.That(h.Counters.DroppedWithoutResponseChannel, Is.EqualTo(2));
        Assert.That(h.Counters.AnsweredOk + h.Counters.AnsweredError + h.Counters.AnsweredNotFound, Is.Zero);
    }

    [Test]
    public void A_response_stream_id_of_0_with_a_channel_is_answered_with_ERROR_on_that_endpoint_5_1()
    {
        using ProviderHarness h = Fleet();
        var zero = h.Transport.AddSubscription(ResponseChannel, 0);
        Assert.That(h.Request(EncodeRequest(responseStreamId: 0, requestId: 99)), Is.Empty, "nothing on the usual stream");
        Response r = h.Drain(zero).Single();
        Assert.That((r.Status, r.RequestId, r.ResultCount), Is.EqualTo((DiscoveryStatus.Error, 99ul, 0)));
        Assert.That(r.ErrorMessage, Does.Contain("response_stream_id"));
    }

    [Test]
    public void Responses_go_to_the_endpoint_the_request_names_not_the_request_channel_4_3()
    {
        using ProviderHarness h = Fleet();
        var other = h.Transport.AddSubscription("tp:ipc?name=elsewhere", 7777);
        var requestStream = h.Transport.AddSubscription("tp:ipc?name=a", 1000);
        Assert.That(h.Request(EncodeRequest(responseChannel: "tp:ipc?name=elsewhere", responseStreamId: 7777)), Is.Empty);
        Assert.That(h.Drain(other).Single().Results, Has.Count.EqualTo(3));
        Assert.That(h.Drain(requestStream), Is.Empty);
    }

    [Test]
    public void Client_id_is_not_an_authentication_token_5_1()
    {
        using ProviderHarness h = Fleet();
        Assert.That(h.Single(clientId: 0).Results, Has.Count.EqualTo(3));
        Assert.That(h.Single(clientId: uint.MaxValue).Results, Has.Count.EqualTo(3));
    }
}
