using System.Text;
using TensorPool.Discovery.Configuration;
using TensorPool.Sbe;
using TensorPool.Sbe.Discovery;
using static TensorPool.Discovery.Tests.Provider.ProviderHarness;

namespace TensorPool.Discovery.Tests.Provider;

/// <summary>Discovery spec §5.2 (status, results, limits), §4.2 (schema gating), §10 (versions).</summary>
public sealed class ResponseTests
{
    [Test]
    public void An_inventory_request_on_an_empty_index_is_OK_with_zero_results_5_2()
    {
        using var h = new ProviderHarness();
        Response r = h.Single();
        Assert.That((r.Status, r.ResultCount, r.ErrorMessage), Is.EqualTo((DiscoveryStatus.Ok, 0, "")));
    }

    [Test]
    public void A_filter_that_matches_nothing_is_NOT_FOUND_with_an_empty_results_group_5_2()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5);
        Response r = h.Single(streamId: 10001);
        Assert.That((r.Status, r.ResultCount), Is.EqualTo((DiscoveryStatus.NotFound, 0)));
    }

    [Test]
    public void Matches_are_OK_and_the_request_id_is_echoed_5_2()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5);
        List<Response> r = h.Request(EncodeRequest(requestId: 0xDEADBEEF_12345678));
        Assert.That((r.Single().Status, r.Single().RequestId), Is.EqualTo((DiscoveryStatus.Ok, 0xDEADBEEF_12345678ul)));
    }

    [Test]
    public void More_matches_than_max_results_is_ERROR_with_no_results_and_a_bounded_message_5_2()
    {
        using var h = new ProviderHarness(new DiscoveryProviderOptions { MaxResults = 3 });
        for (uint s = 1; s <= 4; s++)
        {
            h.Announce(DriverA, s, epoch: 1);
        }
        Response r = h.Single();
        Assert.That((r.Status, r.ResultCount), Is.EqualTo((DiscoveryStatus.Error, 0)));
        Assert.That(r.ErrorMessage, Does.Contain("max_results 3"));
        Assert.That(Encoding.ASCII.GetByteCount(r.ErrorMessage), Is.LessThanOrEqualTo(1024));
        Assert.That(h.Single(streamId: 2).Status, Is.EqualTo(DiscoveryStatus.Ok), "fewer matches are answered");
    }

    [Test]
    public void The_default_cap_is_1000_results_5_2()
    {
        using var h = new ProviderHarness();
        for (uint s = 1; s <= 1001; s++)
        {
            h.Announce(DriverA, s, epoch: 1, strides: [64]);
        }
        Assert.That(h.Single().Status, Is.EqualTo(DiscoveryStatus.Error));
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        for (uint s = 1; s <= 1000; s++)
        {
            h.Announce(DriverA, s, epoch: 2, strides: [64]);
        }
        Assert.That(h.Single().ResultCount, Is.EqualTo(1000));
    }

    [Test]
    public void A_response_larger_than_the_endpoint_carries_is_ERROR_not_a_cut_message_5_2()
    {
        // 300 streams of 8 pools: about 150 KiB of results, more than a 64 KiB endpoint carries.
        using var h = new ProviderHarness(maxMessageLength: 64 * 1024);
        for (uint s = 1; s <= 300; s++)
        {
            h.Announce(DriverA, s, epoch: 1, nslots: 4, strides: [64, 128, 192, 256, 320, 384, 448, 512]);
        }
        Response r = h.Single();
        Assert.That((r.Status, r.ResultCount), Is.EqualTo((DiscoveryStatus.Error, 0)));
        Assert.That(r.ErrorMessage, Does.Contain("narrow the query"));
        Assert.That(h.Single(streamId: 7).Results, Has.Count.EqualTo(1), "a narrower query fits");
    }

    [Test]
    public void Results_never_carry_pool_nslots_other_than_header_nslots_5_2()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5, nslots: 32, strides: [64, 128, 256]);
        h.Announce(DriverA, 10001, epoch: 5, nslots: 32, poolNslots: 16);
        Result r = h.Single().Results.Single();
        Assert.That(r.Pools.Select(p => p.PoolNslots), Is.All.EqualTo(r.HeaderNslots));
    }

    [Test]
    public void Authority_fields_are_never_empty_or_zero_5_2()
    {
        using var h = new ProviderHarness();
        h.Announce(new DriverIdentity("", "tp:ipc", 1000), 1, epoch: 1);
        h.Announce(new DriverIdentity("x", "", 1000), 2, epoch: 1);
        h.Announce(new DriverIdentity("y", "tp:ipc", 0), 3, epoch: 1);
        h.Announce(DriverA, 4, epoch: 1);
        Result r = h.Single().Results.Single();
        Assert.That((r.StreamId, r.DriverInstanceId, r.DriverControlChannel, r.DriverControlStreamId), Is.EqualTo((4u, "driver-a", "tp:ipc?name=a", 1000u)));
    }

    [Test]
    public void Only_schema_910_reaches_the_request_decoder_4_2()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5);
        byte[] request = EncodeRequest();
        byte[] other = (byte[])request.Clone();
        other[4] = 0x84; // schemaId 900 (0x0384), template 1: a ShmPoolAnnounce header on the same bytes
        other[5] = 0x03;
        Assert.That(h.Provider.OnRequest(other), Is.Zero);
        Assert.That(h.Drain(), Is.Empty);
        Assert.That(h.Counters.Requests, Is.Zero, "not even read as a request");
        byte[] response = (byte[])request.Clone();
        response[2] = 2; // template 2: a DiscoveryResponse (ours, when the endpoint is shared)
        Assert.That(h.Provider.OnRequest(response), Is.Zero);
        Assert.That(h.Request(request).Single().Status, Is.EqualTo(DiscoveryStatus.Ok));
    }

    [TestCase((ushort)2)]
    [TestCase((ushort)7)]
    public void A_newer_schema_version_is_answered_with_ERROR_10(ushort version)
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5);
        byte[] request = EncodeRequest(requestId: 77);
        request[6] = (byte)version;
        Response r = h.Request(request).Single();
        Assert.That((r.Status, r.RequestId, r.ResultCount), Is.EqualTo((DiscoveryStatus.Error, 77ul, 0)));
        Assert.That(r.ErrorMessage, Does.Contain("version " + version));
        Assert.That(h.Counters.UnsupportedVersions, Is.EqualTo(1));
    }

    [Test]
    public void Version_0_is_rejected_without_a_guess_at_its_layout_10()
    {
        using var h = new ProviderHarness();
        byte[] request = EncodeRequest();
        request[6] = 0;
        Assert.That(h.Request(request), Is.Empty);
        Assert.That(h.Counters.UnsupportedVersions, Is.EqualTo(1));
    }

    [Test]
    public void A_response_exactly_as_long_as_the_endpoint_carries_is_sent_one_byte_more_is_not()
    {
        int size;
        using (var h = new ProviderHarness())
        {
            Fill(h);
            size = h.Single().Bytes.Length;
        }
        using (var h = new ProviderHarness(maxMessageLength: size))
        {
            Fill(h);
            Assert.That(h.Single().Status, Is.EqualTo(DiscoveryStatus.Ok), "the computed size is not larger than the message");
        }
        using (var h = new ProviderHarness(maxMessageLength: size - 1))
        {
            Fill(h);
            Assert.That(h.Single().Status, Is.EqualTo(DiscoveryStatus.Error), "nor smaller");
        }
    }

    /// <summary>Streams with names, tags (configured and from metadata), ids and several pools.</summary>
    private static void Fill(ProviderHarness h)
    {
        h.Provider.ConfigureTags("driver-a", 10000, ["configured"]);
        h.Stream(DriverA, 10000, epoch: 5, "front", tags: "camera,rgb", dataSourceId: 11);
        h.Stream(DriverB, 10001, epoch: 5, "", tags: "");
        h.Announce(DriverB, 10002, epoch: 5, strides: [64, 128, 4096]);
    }
}
