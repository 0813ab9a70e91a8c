using TensorPool.Discovery.Configuration;
using TensorPool.Sbe.Discovery;
using static TensorPool.Discovery.Tests.Provider.ProviderHarness;

namespace TensorPool.Discovery.Tests.Provider;

/// <summary>Discovery spec §6: the index, its keys, expiry, epochs and source inputs.</summary>
public sealed class IndexTests
{
    [Test]
    public void Entries_are_keyed_by_driver_instance_id_and_stream_id_6_1()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5);
        h.Announce(DriverB, 10000, epoch: 9);
        Response r = h.Single(streamId: 10000);
        Assert.That(r.Results.Select(x => (x.DriverInstanceId, x.StreamId, x.Epoch)),
            Is.EqualTo(new[] { ("driver-a", 10000u, 5ul), ("driver-b", 10000u, 9ul) }));
    }

    [Test]
    public void An_entry_expires_when_no_announce_came_within_3_announce_periods_6_2()
    {
        using var h = new ProviderHarness(new DiscoveryProviderOptions { AnnouncePeriodMs = 1000 });
        h.Announce(DriverA, 10000, epoch: 5);
        h.Clock.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.That(h.Single(streamId: 10000).Results, Has.Count.EqualTo(1), "within 3 periods");
        h.Clock.Advance(TimeSpan.FromMilliseconds(2));
        Response r = h.Single(streamId: 10000);
        Assert.That(r.Status, Is.EqualTo(DiscoveryStatus.NotFound), "expired entries are never returned, swept or not");
        Assert.That(h.Provider.DoWork(h.Clock.NanoTime()), Is.EqualTo(1), "and the sweep removes it");
        Assert.That(h.Provider.IndexedStreams, Is.Zero);
        Assert.That(h.Counters.Expired, Is.EqualTo(1));
    }

    [Test]
    public void Each_announce_renews_the_entry_6_2()
    {
        using var h = new ProviderHarness(new DiscoveryProviderOptions { AnnouncePeriodMs = 1000 });
        for (int i = 0; i < 10; i++)
        {
            h.Announce(DriverA, 10000, epoch: 5);
            h.Clock.Advance(TimeSpan.FromMilliseconds(2500));
        }
        Assert.That(h.Single().Results, Has.Count.EqualTo(1));
    }

    [Test]
    public void Expiry_is_configurable_6_2()
    {
        using var h = new ProviderHarness(new DiscoveryProviderOptions { AnnouncePeriodMs = 1000, ExpiryMs = 10_000 });
        h.Announce(DriverA, 10000, epoch: 5);
        h.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.That(h.Single().Results, Has.Count.EqualTo(1));
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(h.Single().Results, Is.Empty);
    }

    [Test]
    public void The_newest_epoch_replaces_the_older_one_6_3()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5, nslots: 16);
        h.Announce(DriverA, 10000, epoch: 8, nslots: 32);
        Result r = h.Single().Results.Single();
        Assert.That((r.Epoch, r.HeaderNslots), Is.EqualTo((8ul, 32u)));
        Assert.That(r.Pools.Single().Uri, Does.Contain("/8/"), "the layout is the new epoch's");
    }

    [Test]
    public void An_epoch_going_backwards_is_dropped_without_a_known_restart_6_3()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 8);
        h.Announce(DriverA, 10000, epoch: 5);
        Assert.That(h.Single().Results.Single().Epoch, Is.EqualTo(8));
        Assert.That(h.Counters.EpochRegressions, Is.EqualTo(1));
    }

    [Test]
    public void A_lower_epoch_from_another_control_endpoint_of_the_same_instance_is_a_restart_6_3()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 8);
        var moved = DriverA with { ControlStreamId = 2000 };
        h.Announce(moved, 10000, epoch: 5);
        Result r = h.Single().Results.Single();
        Assert.That((r.Epoch, r.DriverControlStreamId), Is.EqualTo((5ul, 2000u)), "the restarted driver's epoch and endpoint");
        Assert.That(h.Counters.EpochRegressions, Is.Zero);
    }

    [Test]
    public void A_lower_epoch_after_the_drivers_ShmDriverShutdown_is_a_restart_6_3()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 8);
        h.Announce(DriverB, 10000, epoch: 8);
        h.Provider.OnDriverMessage(DriverA, DriverShutdown());
        Assert.That(h.Single().Results.Select(x => x.DriverInstanceId), Is.EqualTo(new[] { "driver-b" }), "the shut-down driver's streams left");
        h.Announce(DriverA, 10000, epoch: 3);
        Assert.That(h.Single(streamId: 10000).Results.Select(x => (x.DriverInstanceId, x.Epoch)),
            Is.EqualTo(new[] { ("driver-a", 3ul), ("driver-b", 8ul) }));
        Assert.That(h.Counters.DriverShutdowns, Is.EqualTo(1));
    }

    [Test]
    public void A_lower_epoch_after_the_entry_expired_starts_a_new_entry_6_3()
    {
        using var h = new ProviderHarness(new DiscoveryProviderOptions { AnnouncePeriodMs = 100 });
        h.Announce(DriverA, 10000, epoch: 8);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Announce(DriverA, 10000, epoch: 3);
        Assert.That(h.Single().Results.Single().Epoch, Is.EqualTo(3));
        Assert.That(h.Counters.EpochRegressions, Is.Zero);
    }

    [Test]
    public void The_index_takes_layout_name_tags_and_id_from_announce_and_metadata_6_4()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5, producerId: 77, nslots: 64, strides: [1024, 65536]);
        h.DataSource(DriverA, 10000, epoch: 5, "front camera", metaVersion: 2);
        h.Meta(DriverA, 10000, 2, ("tags", "camera, front,rgb"), ("data_source_id", "123456789"), ("other", "x"));
        Result r = h.Single().Results.Single();
        Assert.That((r.StreamId, r.ProducerId, r.Epoch, r.LayoutVersion, r.HeaderNslots, r.HeaderSlotBytes, r.MaxDims),
            Is.EqualTo((10000u, 77u, 5ul, 1u, 64u, (ushort)256, (byte)8)));
        Assert.That(r.Pools.Select(p => (p.PoolId, p.PoolNslots, p.StrideBytes)), Is.EqualTo(new[] { ((ushort)1, 64u, 1024u), ((ushort)2, 64u, 65536u) }));
        Assert.That(r.HeaderRegionUri, Does.EndWith("/10000/5/header.ring"));
        Assert.That(System.Text.Encoding.ASCII.GetString(r.Name), Is.EqualTo("front camera"));
        Assert.That(r.Tags, Is.EqualTo(new[] { "camera", "front", "rgb" }));
        Assert.That(r.DataSourceId, Is.EqualTo(123456789ul));
        Assert.That((r.DriverInstanceId, r.DriverControlChannel, r.DriverControlStreamId), Is.EqualTo(("driver-a", "tp:ipc?name=a", 1000u)),
            "the authority is the driver the announce came from (§6.4)");
    }

    [Test]
    public void Metadata_of_an_older_epoch_is_not_shown_with_a_newer_one_6_4()
    {
        using var h = new ProviderHarness();
        h.Stream(DriverA, 10000, epoch: 5, "old producer", tags: "old");
        h.Announce(DriverA, 10000, epoch: 9);
        Result r = h.Single().Results.Single();
        Assert.That((r.Name.Length, r.Tags.Count, r.DataSourceId), Is.EqualTo((0, 0, (ulong?)null)), "the new epoch has no metadata yet");
        h.DataSource(DriverA, 10000, epoch: 5, "late beacon of the old producer");
        Assert.That(h.Counters.StaleMetadata, Is.EqualTo(1));
        Assert.That(h.Single().Results.Single().Name, Is.Empty);
    }

    [Test]
    public void A_stream_known_only_from_metadata_is_never_returned_6_4()
    {
        using var h = new ProviderHarness();
        h.DataSource(DriverA, 10000, epoch: 5, "no announce yet");
        Assert.That(h.Single().Results, Is.Empty);
    }

    [Test]
    public void Configured_tags_and_metadata_tags_form_the_streams_tag_set_6_4()
    {
        using var h = new ProviderHarness();
        h.Provider.ConfigureTags("driver-a", 10000, ["lab", "Camera"]);
        h.Stream(DriverA, 10000, epoch: 5, "cam", tags: "camera,lab");
        Assert.That(h.Single().Results.Single().Tags, Is.EqualTo(new[] { "lab", "Camera", "camera" }), "each tag once, case kept");
    }

    [Test]
    public void Announces_that_break_a_result_rule_never_enter_the_index_5_2()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10001, epoch: 5, nslots: 16, poolNslots: 8);
        h.Announce(DriverA, 10002, epoch: 5, slotBytes: 128);
        h.Announce(DriverA, 10003, epoch: 5, strides: []);
        h.Provider.OnDriverMessage(DriverA, new byte[] { 1, 2, 3 });
        Assert.That(h.Single().Results, Is.Empty);
        Assert.That(h.Counters.InvalidAnnounces, Is.EqualTo(3), "the three well-formed but unusable announces (the 3 bytes have no header)");
    }

    [Test]
    public void The_index_is_bounded_by_max_streams()
    {
        using var h = new ProviderHarness(new DiscoveryProviderOptions { MaxStreams = 4 });
        for (uint s = 1; s <= 10; s++)
        {
            h.Announce(DriverA, s, epoch: 1);
        }
        Assert.That(h.Provider.IndexedStreams, Is.EqualTo(4));
        Assert.That(h.Counters.Overflowed, Is.EqualTo(6));
    }

    [Test]
    public void A_same_epoch_announce_that_changes_nothing_allocates_nothing()
    {
        using var h = new ProviderHarness();
        var bytes = new byte[8192];
        var a = Sbe.Wire.ShmPoolAnnounceEncoder.WrapAndApplyHeader(bytes);
        a.StreamId = 10000;
        a.Epoch = 5;
        a.LayoutVersion = 1;
        a.HeaderNslots = 16;
        a.HeaderSlotBytes = 256;
        var pools = a.PayloadPoolsCount(1);
        pools.Next();
        pools.PoolId = 1;
        pools.PoolNslots = 16;
        pools.StrideBytes = 64;
        pools.PutRegionUri("shm:file?path=/dev/shm/p".AsSpan());
        a.PutHeaderRegionUri("shm:file?path=/dev/shm/h".AsSpan());
        byte[] message = bytes.AsSpan(0, a.EncodedLength).ToArray();
        h.Provider.OnDriverMessage(DriverA, message);
        h.Provider.OnDriverMessage(DriverA, message);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            h.Provider.OnDriverMessage(DriverA, message);
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static byte[] DriverShutdown()
    {
        var buffer = new byte[256];
        var s = Sbe.Driver.ShmDriverShutdownEncoder.WrapAndApplyHeader(buffer);
        s.TimestampNs = 1;
        s.Reason = Sbe.Driver.ShutdownReason.Normal;
        s.PutErrorMessage("bye".AsSpan());
        return buffer.AsSpan(0, s.EncodedLength).ToArray();
    }
}
