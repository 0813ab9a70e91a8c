using TensorPool.Consumers;
using TensorPool.Native.Internal;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// The consumer's sequence and loss accounting on its own (§15.4, §15.2, §11): every descriptor ends in exactly one
/// count, gaps are drops or rate limiting, and a consumer far behind resyncs.
/// </summary>
public class SequenceAccountingTests
{
    private const int Changed = (int)TpFrameStatus.DropChanged;
    private const int SeqMismatch = (int)TpFrameStatus.DropSeqMismatch;
    private const int NotCommitted = (int)TpFrameStatus.DropNotCommitted;
    private const int HeaderLength = (int)TpFrameStatus.DropHeaderLength;

    [Test]
    public void First_descriptor_starts_the_count_where_the_consumer_joined_15_4()
    {
        var a = new SequenceAccounting(64);
        Assert.That(a.Snapshot().FirstSeqSeen, Is.Null);
        Assert.That(a.OnDescriptor(1, 100, false), Is.EqualTo(DescriptorVerdict.Read));
        ConsumerCounters c = a.Snapshot();
        Assert.That(c.DropsGap, Is.Zero, "sequences before the consumer joined are not its losses");
        Assert.That((c.FirstSeqSeen, c.LastSeqSeen, c.DescriptorsReceived), Is.EqualTo(((ulong?)100, (ulong?)100, 1L)));
        Assert.That(a.ExpectedSeq, Is.EqualTo(101));
    }

    [Test]
    public void Missing_sequences_are_drops_gap_15_4()
    {
        var a = new SequenceAccounting(64);
        a.OnDescriptor(1, 10, false);
        a.OnDescriptor(1, 11, false);
        Assert.That(a.OnDescriptor(1, 15, false), Is.EqualTo(DescriptorVerdict.Read));
        Assert.That(a.Snapshot().DropsGap, Is.EqualTo(3));
        Assert.That(a.QosDrops(), Is.EqualTo((15UL, 3UL, 0UL)));
    }

    [Test]
    public void Gaps_on_a_rate_capped_per_consumer_stream_are_rate_limiting_not_drops_5()
    {
        var a = new SequenceAccounting(64);
        a.OnDescriptor(1, 10, true);
        a.OnDescriptor(1, 20, true);
        ConsumerCounters c = a.Snapshot();
        Assert.That((c.DropsGap, c.RateLimited), Is.EqualTo((0L, 9L)));
    }

    [Test]
    public void Sequence_going_backwards_within_an_epoch_is_dropped_as_regressed_15_2()
    {
        var a = new SequenceAccounting(64);
        a.OnDescriptor(1, 10, false);
        a.OnDescriptor(1, 11, false);
        Assert.That(a.OnDescriptor(1, 10, false), Is.EqualTo(DescriptorVerdict.Regressed));
        Assert.That(a.Snapshot().DropsRegressed, Is.EqualTo(1));
        Assert.That(a.OnDescriptor(1, 12, false), Is.EqualTo(DescriptorVerdict.Read), "the expected sequence did not move back");
        Assert.That(a.Snapshot().DropsGap, Is.Zero);
    }

    [Test]
    public void Older_epoch_is_an_epoch_drop_and_does_not_reset_the_count_10_2_1()
    {
        var a = new SequenceAccounting(64);
        a.OnDescriptor(2, 10, false);
        Assert.That(a.OnDescriptor(1, 50, false), Is.EqualTo(DescriptorVerdict.OlderEpoch));
        Assert.That(a.Snapshot().DropsEpoch, Is.EqualTo(1));
        Assert.That(a.OnDescriptor(2, 11, false), Is.EqualTo(DescriptorVerdict.Read));
        Assert.That(a.Snapshot().DropsGap, Is.Zero);
    }

    [Test]
    public void New_epoch_restarts_the_count_at_0_15_4()
    {
        var a = new SequenceAccounting(64);
        a.OnDescriptor(1, 50, false);
        Assert.That(a.OnDescriptor(2, 3, false), Is.EqualTo(DescriptorVerdict.Read));
        Assert.That(a.Snapshot().DropsGap, Is.EqualTo(3), "sequences 0, 1 and 2 of the new epoch were missed");
    }

    [Test]
    public void Changed_slot_is_late_and_a_stale_slot_is_invalid_10_2_1_15_3()
    {
        var a = new SequenceAccounting(64);
        a.OnDescriptor(1, 10, false);
        Assert.That(a.CountSlotDrop(Changed, 10, 10), Is.False);
        a.OnDescriptor(1, 11, false);
        a.CountSlotDrop(SeqMismatch, 11, 3); // the slot holds an older frame: stale reuse
        a.OnDescriptor(1, 12, false);
        a.CountSlotDrop(SeqMismatch, 12, 13); // a newer frame took it: late
        a.OnDescriptor(1, 13, false);
        a.CountSlotDrop(NotCommitted, 13, 14); // a newer frame is being written: late
        a.OnDescriptor(1, 14, false);
        a.CountSlotDrop(HeaderLength, 14, 0);
        a.OnDescriptor(1, 15, false);
        a.CountSlotDrop(-1, 15, 0); // a misuse code: counted, never thrown
        ConsumerCounters c = a.Snapshot();
        Assert.That((c.DropsLate, c.DropsInvalid), Is.EqualTo((3L, 3L)));
        Assert.That(a.SlotRejects(SeqMismatch), Is.EqualTo(2));
        Assert.That(a.SlotRejects(HeaderLength), Is.EqualTo(1));
        Assert.That(a.SlotRejects(-1), Is.Zero);
    }

    [Test]
    public void Only_seqlock_statuses_need_the_slot_sequence()
    {
        Assert.That(SequenceAccounting.NeedsSlotSeq(NotCommitted) && SequenceAccounting.NeedsSlotSeq(Changed) && SequenceAccounting.NeedsSlotSeq(SeqMismatch), Is.True);
        Assert.That(SequenceAccounting.NeedsSlotSeq(0) || SequenceAccounting.NeedsSlotSeq(HeaderLength) || SequenceAccounting.NeedsSlotSeq(-1), Is.False);
    }

    [Test]
    public void Torn_frame_is_late_15_3()
    {
        var a = new SequenceAccounting(64);
        a.OnDescriptor(1, 10, false);
        Assert.That(a.CountTorn(10, 11), Is.False);
        Assert.That(a.Snapshot().DropsLate, Is.EqualTo(1));
        Assert.That(a.SlotRejects(Changed), Is.EqualTo(1));
    }

    [Test]
    public void Falling_more_than_the_gap_behind_resyncs_and_skips_what_lies_before_15_4()
    {
        var a = new SequenceAccounting(4);
        a.OnDescriptor(1, 10, false);
        Assert.That(a.CountSlotDrop(SeqMismatch, 10, 14), Is.False, "4 behind: within the gap");
        a.OnDescriptor(1, 11, false);
        Assert.That(a.CountSlotDrop(SeqMismatch, 11, 20), Is.True, "9 behind: resync");
        Assert.That(a.ResyncBelow, Is.EqualTo(20));
        Assert.That(a.OnDescriptor(1, 12, false), Is.EqualTo(DescriptorVerdict.SkippedByResync));
        Assert.That(a.OnDescriptor(1, 20, false), Is.EqualTo(DescriptorVerdict.Read));
        ConsumerCounters c = a.Snapshot();
        Assert.That((c.Resyncs, c.DropsResync, c.DropsGap), Is.EqualTo((1L, 1L, 7L)));
        Assert.That(a.CountTorn(20, 21), Is.False, "no second resync to the same point");
    }

    [Test]
    public void After_a_backlog_skip_the_next_gap_counts_as_resync_drops_D84()
    {
        var a = new SequenceAccounting(4);
        a.OnDescriptor(1, 10, false);
        a.CountSlotDrop(SeqMismatch, 10, 30);
        a.NoteBacklogSkipped();
        Assert.That(a.OnDescriptor(1, 28, false), Is.EqualTo(DescriptorVerdict.SkippedByResync));
        a.OnDescriptor(1, 31, false);
        ConsumerCounters c = a.Snapshot();
        Assert.That(c.DropsResync, Is.EqualTo(17 + 1), "11..27 passed over by the skip, 28 skipped unread");
        Assert.That(c.DropsGap, Is.EqualTo(2), "29 and 30 are ordinary gaps");
        Assert.That(a.QosDrops().DropsGap, Is.EqualTo(20UL), "QoS reports resync drops as drops_gap");
    }

    [Test]
    public void Rate_gate_passes_one_frame_per_interval_and_counts_the_rest_11()
    {
        var a = new SequenceAccounting(64);
        int passed = 0;
        for (long t = 0; t < 1_000_000_000; t += 10_000_000)
        {
            passed += a.RateGateSkips(t, 50_000_000) ? 0 : 1;
        }
        Assert.That(passed, Is.EqualTo(20));
        Assert.That(a.Snapshot().RateLimited, Is.EqualTo(80));
    }

    [Test]
    public void Every_descriptor_ends_in_exactly_one_count()
    {
        var a = new SequenceAccounting(8);
        var random = new Random(11);
        ulong seq = 1000;
        for (int i = 0; i < 5000; i++)
        {
            seq += (ulong)random.Next(1, 4);
            if (a.OnDescriptor(1, seq, false) != DescriptorVerdict.Read)
            {
                continue;
            }
            switch (random.Next(6))
            {
                case 0:
                    a.CountUnmapped();
                    break;
                case 1:
                    a.CountEpochMismatch();
                    break;
                case 2:
                    if (a.CountSlotDrop(random.Next(1, 8), seq, seq + (ulong)random.Next(0, 20)))
                    {
                        a.NoteBacklogSkipped();
                    }
                    break;
                case 3:
                    a.CountTorn(seq, seq + (ulong)random.Next(1, 20));
                    break;
                case 4:
                    if (!a.RateGateSkips(i * 1000L, 1500))
                    {
                        a.CountAccepted();
                    }
                    break;
                default:
                    a.CountAccepted();
                    break;
            }
        }
        ConsumerCounters c = a.Snapshot();
        Assert.That(c.FramesAccepted + c.DropsGap + c.DropsLate + c.DropsOther + c.DropsResync + c.RateLimited,
            Is.EqualTo((long)(c.LastSeqSeen!.Value - c.FirstSeqSeen!.Value + 1)));
        Assert.That(c.Resyncs, Is.GreaterThan(0), "the mix exercised resyncs");
    }
}
