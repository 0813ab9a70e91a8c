using TensorPool.Consumers;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// ShmPoolAnnounce handling (wire spec §10.1.1, §15.1, §15.2, §15.5, §15.14, §15.21, §15.21a.5, §15.22): hostile and
/// stale announces are ignored or rejected with a counted reason and nothing is mapped; epochs switch cleanly.
/// </summary>
public class AnnounceRuleTests
{
    private Harness _h = null!;
    private CraftedStream _stream = null!;
    private Consumer _consumer = null!;

    [SetUp]
    public void SetUp()
    {
        _h = new Harness();
        _stream = new CraftedStream(_h);
        _consumer = _h.Client.AddConsumer(_stream.Options.StreamId);
        _stream.Attachment.StoreActivity((ulong)_h.Clock.NanoTime());
    }

    [TearDown]
    public void TearDown()
    {
        _consumer.Dispose();
        _stream.Dispose();
        _h.Dispose();
    }

    private AnnounceSpec Good => AnnounceSpec.Of(_stream, _h.Clock.NanoTime());

    private void Send(AnnounceSpec spec)
    {
        _stream.SendControl(spec.Encode());
        _h.Work();
        Harness.PollAll(_consumer);
    }

    private void AssertRejected(AnnounceSpec spec, AnnounceRejectReason reason)
    {
        Send(spec);
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Unmapped), "nothing is mapped");
        Assert.That(_consumer.GetAnnounceRejects(reason), Is.EqualTo(1), () => $"last rejection: {_consumer.LastAnnounceRejection}");
        Assert.That(_consumer.Counters.AnnouncesRejected, Is.EqualTo(1));
        Assert.That(_consumer.Counters.Mappings, Is.Zero);
        // Descriptors while nothing is mapped are dropped (§15.21 M0).
        _stream.WriteSlot(0);
        _stream.Describe(0);
        Assert.That(Harness.PollAll(_consumer), Is.Empty);
        Assert.That(_consumer.Counters.DropsUnmapped, Is.EqualTo(1));
    }

    [Test]
    public void Good_announce_maps_the_stream_15_21_M0_to_M1()
    {
        Send(Good);
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Mapped));
        Assert.That(_consumer.Epoch, Is.EqualTo(_stream.Epoch));
        Assert.That(_consumer.Counters.AnnouncesAccepted, Is.EqualTo(1));
        Send(Good);
        Assert.That(_consumer.Counters.AnnouncesAccepted, Is.EqualTo(2), "the same epoch's announce refreshes");
        Assert.That(_consumer.Counters.Mappings, Is.EqualTo(1), "and does not remap");
    }

    [Test]
    public void Relative_region_path_is_rejected_15_21a_5() =>
        AssertRejected(Good with { HeaderUri = "shm:file?path=tensorpool/header.ring" }, AnnounceRejectReason.PathRejected);

    [Test]
    public void Region_outside_the_allowed_base_dirs_is_rejected_15_21a_5()
    {
        using var elsewhere = new TempDirectory();
        string outside = Path.Combine(elsewhere.Path, "header.ring");
        File.Copy(Good.HeaderUri.Split("path=")[1].Split('|')[0], outside);
        AssertRejected(Good with { HeaderUri = "shm:file?path=" + outside }, AnnounceRejectReason.PathRejected);
    }

    [Test]
    public void Symlink_leading_outside_the_base_dirs_is_rejected_15_21a_5()
    {
        string ring = Good.HeaderUri.Split("path=")[1].Split('|')[0];
        // A link inside the base dir that points outside it: realpath resolves it, containment fails.
        using var elsewhere = new TempDirectory();
        string outside = Path.Combine(elsewhere.Path, "header.ring");
        File.Copy(ring, outside);
        string link2 = Path.Combine(_h.Dir.Path, "link2.ring");
        File.CreateSymbolicLink(link2, outside);
        AssertRejected(Good with { HeaderUri = "shm:file?path=" + link2 }, AnnounceRejectReason.PathRejected);
    }

    [Test]
    public void Unknown_uri_scheme_is_rejected_15_22() =>
        AssertRejected(Good with { HeaderUri = "aeron:ipc?path=/dev/shm/x" }, AnnounceRejectReason.UriInvalid);

    [Test]
    public void Unknown_uri_parameter_is_rejected_15_22() =>
        AssertRejected(Good with { HeaderUri = Good.HeaderUri.Replace("|require_hugepages=false", "|mode=fast", StringComparison.Ordinal) }, AnnounceRejectReason.UriInvalid);

    [Test]
    public void Hugepages_required_on_tmpfs_is_rejected_15_22() =>
        AssertRejected(Good with { HeaderUri = Good.HeaderUri.Replace("require_hugepages=false", "require_hugepages=true", StringComparison.Ordinal) }, AnnounceRejectReason.HugepagesRejected);

    [Test]
    public void Missing_region_file_is_rejected_15_21a_5() =>
        AssertRejected(Good with { HeaderUri = $"shm:file?path={_h.Dir.Path}/nothing.ring" }, AnnounceRejectReason.PathRejected);

    [Test]
    public void Stale_announce_timestamp_is_ignored_10_1_1()
    {
        _h.Clock.Advance(TimeSpan.FromSeconds(10));
        _stream.Attachment.StoreActivity((ulong)_h.Clock.NanoTime());
        AssertRejected(Good with { TimestampNs = (ulong)(_h.Clock.NanoTime() - TimeSpan.FromSeconds(4).Ticks * 100) }, AnnounceRejectReason.Stale);
    }

    [Test]
    public void Announce_from_the_future_beyond_the_window_is_ignored_10_1_1() =>
        AssertRejected(Good with { TimestampNs = (ulong)(_h.Clock.NanoTime() + TimeSpan.FromSeconds(4).Ticks * 100) }, AnnounceRejectReason.Stale);

    [Test]
    public void Monotonic_announce_from_before_the_join_is_ignored_10_1_1() =>
        AssertRejected(Good with { TimestampNs = (ulong)(_h.Clock.NanoTime() - 1) }, AnnounceRejectReason.BeforeJoin);

    [Test]
    public void Realtime_synced_announce_skips_the_join_rule_and_uses_the_realtime_window_10_1_1()
    {
        Send(Good with { ClockDomain = 2, TimestampNs = (ulong)_h.Realtime.NanoTime() - 1000 });
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Mapped));
    }

    [Test]
    public void Stale_realtime_synced_announce_is_ignored_10_1_1() =>
        AssertRejected(Good with { ClockDomain = 2, TimestampNs = (ulong)(_h.Realtime.NanoTime() - TimeSpan.FromSeconds(5).Ticks * 100) }, AnnounceRejectReason.Stale);

    [Test]
    public void Unknown_clock_domain_is_rejected_10_1_1() =>
        AssertRejected(Good with { ClockDomain = 3 }, AnnounceRejectReason.UnknownClockDomain);

    [Test]
    public void Pool_nslots_differing_from_the_header_ring_is_rejected_15_5() =>
        AssertRejected(Good with { Pools = [.. Good.Pools.Select(p => p with { Nslots = 16 })] }, AnnounceRejectReason.InvalidLayout);

    [Test]
    public void Header_slot_bytes_other_than_256_is_rejected_8_1() =>
        AssertRejected(Good with { HeaderSlotBytes = 128 }, AnnounceRejectReason.InvalidLayout);

    [Test]
    public void Unknown_layout_version_is_rejected_15_1() =>
        AssertRejected(Good with { LayoutVersion = 2 }, AnnounceRejectReason.InvalidLayout);

    [Test]
    public void Header_nslots_not_a_power_of_two_is_rejected_15_18() =>
        AssertRejected(Good with { HeaderNslots = 6, Pools = [.. Good.Pools.Select(p => p with { Nslots = 6 })] }, AnnounceRejectReason.InvalidLayout);

    [Test]
    public void Announce_without_pools_is_rejected() =>
        AssertRejected(Good with { Pools = [] }, AnnounceRejectReason.InvalidLayout);

    [Test]
    public void Duplicated_pool_ids_are_rejected() =>
        AssertRejected(Good with { Pools = [Good.Pools[0], Good.Pools[0]] }, AnnounceRejectReason.InvalidLayout);

    [Test]
    public void Stride_not_a_multiple_of_64_is_rejected_15_22() =>
        AssertRejected(Good with { Pools = [Good.Pools[0] with { Stride = 100 }] }, AnnounceRejectReason.InvalidLayout);

    [Test]
    public void Superblock_disagreeing_with_the_announce_is_rejected_15_1() =>
        AssertRejected(Good with { HeaderNslots = 16, Pools = [Good.Pools[0] with { Nslots = 16 }] }, AnnounceRejectReason.SuperblockMismatch);

    [Test]
    public void Pool_stride_disagreeing_with_its_superblock_is_rejected_15_1() =>
        AssertRejected(Good with { Pools = [Good.Pools[0] with { Stride = 512 }] }, AnnounceRejectReason.SuperblockMismatch);

    [Test]
    public void Epoch_disagreeing_with_the_superblock_is_rejected_15_1() =>
        AssertRejected(Good with { Epoch = _stream.Epoch + 1 }, AnnounceRejectReason.SuperblockMismatch);

    [Test]
    public void Regions_whose_producer_stopped_refreshing_activity_are_rejected_15_1()
    {
        _h.Clock.Advance(TimeSpan.FromSeconds(4)); // the activity stamp is now 4 s old, past the 3 s window
        AssertRejected(Good, AnnounceRejectReason.ActivityStale);
    }

    [Test]
    public void Truncated_announce_is_counted_as_malformed()
    {
        byte[] bytes = Good.Encode();
        _stream.SendControl(bytes.AsSpan(0, bytes.Length - 5));
        _h.Work();
        Harness.PollAll(_consumer);
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Unmapped));
        Assert.That(_consumer.GetAnnounceRejects(AnnounceRejectReason.Malformed), Is.EqualTo(1));
        Assert.That(_h.Client.MalformedControlMessages, Is.EqualTo(1));
    }

    [Test]
    public void Lower_epoch_than_the_mapped_one_is_ignored_10_1_1()
    {
        Send(Good);
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Mapped));
        Send(AnnounceSpec.Of(_stream, _h.Clock.NanoTime()) with { Epoch = _stream.Epoch - 1 });
        Assert.That(_consumer.GetAnnounceRejects(AnnounceRejectReason.LowerEpoch), Is.EqualTo(1));
        Assert.That(_consumer.Epoch, Is.EqualTo(_stream.Epoch));
    }

    [Test]
    public void Higher_epoch_remaps_and_old_epoch_frames_are_dropped_after_the_switch_15_21()
    {
        Send(Good);
        _stream.WriteSlot(0);
        _stream.Describe(0);
        Assert.That(Harness.PollAll(_consumer), Has.Count.EqualTo(1));

        using var restarted = new CraftedStream(_h);
        Assert.That(restarted.Epoch, Is.GreaterThan(_stream.Epoch));
        restarted.Attachment.StoreActivity((ulong)_h.Clock.NanoTime());
        Send(AnnounceSpec.Of(restarted, _h.Clock.NanoTime()));
        Assert.That(_consumer.Epoch, Is.EqualTo(restarted.Epoch));
        Assert.That(_consumer.Counters.Mappings, Is.EqualTo(2));

        _stream.WriteSlot(1);
        _stream.Describe(1); // an old-epoch frame after the switch
        restarted.WriteSlot(0);
        restarted.Describe(0);
        List<Harness.SeenFrame> frames = Harness.PollAll(_consumer);
        Assert.That(frames.Select(f => f.Epoch), Is.EqualTo(new[] { restarted.Epoch }));
        Assert.That(_consumer.Counters.DropsEpoch, Is.EqualTo(1));
        Assert.That(_consumer.Counters.DropsGap, Is.Zero, "the new epoch's count starts at 0");
    }

    [Test]
    public void Higher_epoch_whose_regions_fail_is_rejected_and_the_current_mapping_stays()
    {
        Send(Good);
        Send(Good with { Epoch = _stream.Epoch + 5, HeaderUri = "shm:file?path=relative" });
        Assert.That(_consumer.Epoch, Is.EqualTo(_stream.Epoch));
        Assert.That(_consumer.GetAnnounceRejects(AnnounceRejectReason.PathRejected), Is.EqualTo(1));
    }

    [Test]
    public void Same_epoch_announce_naming_other_regions_is_checked_not_trusted_15_1()
    {
        Send(Good);
        Send(Good with { HeaderUri = $"shm:file?path={_h.Dir.Path}/other.ring" });
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Mapped), "the mapped, intact regions stay");
        Assert.That(_consumer.GetAnnounceRejects(AnnounceRejectReason.PathRejected), Is.EqualTo(1));
    }

    [Test]
    public void Producer_whose_activity_goes_stale_is_unmapped_15_14()
    {
        Send(Good);
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Mapped));
        _h.Clock.Advance(TimeSpan.FromSeconds(2));
        _h.Work();
        Harness.PollAll(_consumer);
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Mapped), "2 s is inside the 3 s liveness timeout");
        _h.Clock.Advance(TimeSpan.FromSeconds(2));
        _h.Work();
        Harness.PollAll(_consumer);
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Unmapped));
        Assert.That(_consumer.Counters.LivenessTimeouts, Is.EqualTo(1));
        // After the timeout any epoch may map again, even a lower one.
        _stream.Attachment.StoreActivity((ulong)_h.Clock.NanoTime());
        Send(Good);
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Mapped));
    }

    [Test]
    public void Recreated_region_with_another_magic_is_unmapped_15_14()
    {
        Send(Good);
        unsafe
        {
            *(ulong*)_stream.Attachment.HeaderBase = 0; // magic gone: the region is not what was mapped
        }
        _h.Work();
        Harness.PollAll(_consumer);
        Assert.That(_consumer.State, Is.EqualTo(MappingState.Unmapped));
    }

    [Test]
    public void Announce_of_another_stream_is_not_this_consumers_business()
    {
        Send(Good with { StreamId = 12345, HeaderUri = "bogus" });
        Assert.That(_consumer.Counters.AnnouncesRejected + _consumer.Counters.AnnouncesAccepted, Is.Zero);
    }
}
