using TensorPool.Consumers;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// ShmPoolAnnounce handling (wire spec §10.1.1, §15.1, §15.2, §15.5, §15.14, §15.21, §15.21a.5, §15.22): hostile and
/// stale announces are ignored or rejected with a counted reason and nothing is mapped; epochs switch cleanly.
/// </summary>
public class AnnounceRuleTests : CraftedStreamFixture
{
    [SetUp]
    public void SetUp() => Crafted.Attachment.StoreActivity((ulong)H.Clock.NanoTime());

    private AnnounceSpec Good => AnnounceSpec.Of(Crafted, H.Clock.NanoTime());

    private void Send(AnnounceSpec spec)
    {
        Crafted.SendControl(spec.Encode());
        H.Work();
        Harness.PollAll(Reader);
    }

    private void AssertRejected(AnnounceSpec spec, AnnounceRejectReason reason)
    {
        Send(spec);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Unmapped), "nothing is mapped");
        Assert.That(Reader.GetAnnounceRejects(reason), Is.EqualTo(1), () => $"last rejection: {Reader.LastAnnounceRejection}");
        Assert.That(Reader.Counters.AnnouncesRejected, Is.EqualTo(1));
        Assert.That(Reader.Counters.Mappings, Is.Zero);
        // Descriptors while nothing is mapped are dropped (§15.21 M0).
        Crafted.WriteSlot(0);
        Crafted.Describe(0);
        Assert.That(Harness.PollAll(Reader), Is.Empty);
        Assert.That(Reader.Counters.DropsUnmapped, Is.EqualTo(1));
    }

    [Test]
    public void Good_announce_maps_the_stream_15_21_M0_to_M1()
    {
        Send(Good);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Mapped));
        Assert.That(Reader.Epoch, Is.EqualTo(Crafted.Epoch));
        Assert.That(Reader.Counters.AnnouncesAccepted, Is.EqualTo(1));
        Send(Good);
        Assert.That(Reader.Counters.AnnouncesAccepted, Is.EqualTo(2), "the same epoch's announce refreshes");
        Assert.That(Reader.Counters.Mappings, Is.EqualTo(1), "and does not remap");
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
        string link2 = Path.Combine(H.Dir.Path, "link2.ring");
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
        AssertRejected(Good with { HeaderUri = $"shm:file?path={H.Dir.Path}/nothing.ring" }, AnnounceRejectReason.PathRejected);

    [Test]
    public void Stale_announce_timestamp_is_ignored_10_1_1()
    {
        H.Clock.Advance(TimeSpan.FromSeconds(10));
        Crafted.Attachment.StoreActivity((ulong)H.Clock.NanoTime());
        AssertRejected(Good with { TimestampNs = (ulong)(H.Clock.NanoTime() - TimeSpan.FromSeconds(4).Ticks * 100) }, AnnounceRejectReason.Stale);
    }

    [Test]
    public void Announce_from_the_future_beyond_the_window_is_ignored_10_1_1() =>
        AssertRejected(Good with { TimestampNs = (ulong)(H.Clock.NanoTime() + TimeSpan.FromSeconds(4).Ticks * 100) }, AnnounceRejectReason.Stale);

    [Test]
    public void Monotonic_announce_from_before_the_join_is_ignored_10_1_1() =>
        AssertRejected(Good with { TimestampNs = (ulong)(H.Clock.NanoTime() - 1) }, AnnounceRejectReason.BeforeJoin);

    [Test]
    public void Realtime_synced_announce_skips_the_join_rule_and_uses_the_realtime_window_10_1_1()
    {
        Send(Good with { ClockDomain = 2, TimestampNs = (ulong)H.Realtime.NanoTime() - 1000 });
        Assert.That(Reader.State, Is.EqualTo(MappingState.Mapped));
    }

    [Test]
    public void Stale_realtime_synced_announce_is_ignored_10_1_1() =>
        AssertRejected(Good with { ClockDomain = 2, TimestampNs = (ulong)(H.Realtime.NanoTime() - TimeSpan.FromSeconds(5).Ticks * 100) }, AnnounceRejectReason.Stale);

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
        AssertRejected(Good with { Epoch = Crafted.Epoch + 1 }, AnnounceRejectReason.SuperblockMismatch);

    [Test]
    public void Regions_whose_producer_stopped_refreshing_activity_are_rejected_15_1()
    {
        H.Clock.Advance(TimeSpan.FromSeconds(4)); // the activity stamp is now 4 s old, past the 3 s window
        AssertRejected(Good, AnnounceRejectReason.ActivityStale);
    }

    [Test]
    public void Truncated_announce_is_counted_as_malformed()
    {
        byte[] bytes = Good.Encode();
        Crafted.SendControl(bytes.AsSpan(0, bytes.Length - 5));
        H.Work();
        Harness.PollAll(Reader);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Unmapped));
        Assert.That(Reader.GetAnnounceRejects(AnnounceRejectReason.Malformed), Is.EqualTo(1));
        Assert.That(H.Client.MalformedControlMessages, Is.EqualTo(1));
    }

    [Test]
    public void Lower_epoch_than_the_mapped_one_is_ignored_10_1_1()
    {
        Send(Good);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Mapped));
        Send(AnnounceSpec.Of(Crafted, H.Clock.NanoTime()) with { Epoch = Crafted.Epoch - 1 });
        Assert.That(Reader.GetAnnounceRejects(AnnounceRejectReason.LowerEpoch), Is.EqualTo(1));
        Assert.That(Reader.Epoch, Is.EqualTo(Crafted.Epoch));
    }

    [Test]
    public void Higher_epoch_remaps_and_old_epoch_frames_are_dropped_after_the_switch_15_21()
    {
        Send(Good);
        Crafted.WriteSlot(0);
        Crafted.Describe(0);
        Assert.That(Harness.PollAll(Reader), Has.Count.EqualTo(1));

        using var restarted = new CraftedStream(H);
        Assert.That(restarted.Epoch, Is.GreaterThan(Crafted.Epoch));
        restarted.Attachment.StoreActivity((ulong)H.Clock.NanoTime());
        Send(AnnounceSpec.Of(restarted, H.Clock.NanoTime()));
        Assert.That(Reader.Epoch, Is.EqualTo(restarted.Epoch));
        Assert.That(Reader.Counters.Mappings, Is.EqualTo(2));

        Crafted.WriteSlot(1);
        Crafted.Describe(1); // an old-epoch frame after the switch
        restarted.WriteSlot(0);
        restarted.Describe(0);
        List<Harness.SeenFrame> frames = Harness.PollAll(Reader);
        Assert.That(frames.Select(f => f.Epoch), Is.EqualTo(new[] { restarted.Epoch }));
        Assert.That(Reader.Counters.DropsEpoch, Is.EqualTo(1));
        Assert.That(Reader.Counters.DropsGap, Is.Zero, "the new epoch's count starts at 0");
    }

    [Test]
    public void Higher_epoch_whose_regions_fail_is_rejected_and_the_current_mapping_stays()
    {
        Send(Good);
        Send(Good with { Epoch = Crafted.Epoch + 5, HeaderUri = "shm:file?path=relative" });
        Assert.That(Reader.Epoch, Is.EqualTo(Crafted.Epoch));
        Assert.That(Reader.GetAnnounceRejects(AnnounceRejectReason.PathRejected), Is.EqualTo(1));
    }

    [Test]
    public void Same_epoch_announce_naming_other_regions_is_checked_not_trusted_15_1()
    {
        Send(Good);
        Send(Good with { HeaderUri = $"shm:file?path={H.Dir.Path}/other.ring" });
        Assert.That(Reader.State, Is.EqualTo(MappingState.Mapped), "the mapped, intact regions stay");
        Assert.That(Reader.GetAnnounceRejects(AnnounceRejectReason.PathRejected), Is.EqualTo(1));
    }

    [Test]
    public void Producer_whose_activity_goes_stale_is_unmapped_15_14()
    {
        Send(Good);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Mapped));
        H.Clock.Advance(TimeSpan.FromSeconds(2));
        H.Work();
        Harness.PollAll(Reader);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Mapped), "2 s is inside the 3 s liveness timeout");
        H.Clock.Advance(TimeSpan.FromSeconds(2));
        H.Work();
        Harness.PollAll(Reader);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Unmapped));
        Assert.That(Reader.Counters.LivenessTimeouts, Is.EqualTo(1));
        // After the timeout any epoch may map again, even a lower one.
        Crafted.Attachment.StoreActivity((ulong)H.Clock.NanoTime());
        Send(Good);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Mapped));
    }

    [Test]
    public void Recreated_region_with_another_magic_is_unmapped_15_14()
    {
        Send(Good);
        unsafe
        {
            *(ulong*)Crafted.Attachment.HeaderBase = 0; // magic gone: the region is not what was mapped
        }
        H.Work();
        Harness.PollAll(Reader);
        Assert.That(Reader.State, Is.EqualTo(MappingState.Unmapped));
    }

    [Test]
    public void Announce_of_another_stream_is_not_this_consumers_business()
    {
        Send(Good with { StreamId = 12345, HeaderUri = "bogus" });
        Assert.That(Reader.Counters.AnnouncesRejected + Reader.Counters.AnnouncesAccepted, Is.Zero);
    }
}
