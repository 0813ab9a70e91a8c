using System.Text.Json;
using TensorPool.Cli.Shm;
using TensorPool.Native.Internal;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// Inspecting a ring while a producer overwrites it at full speed: every committed slot shown is a whole
/// frame (its fields agree with its seq), never a torn mix of two frames (§8.3, §15.21).
/// </summary>
public unsafe class LiveRegionTests
{
    private const uint Nslots = 8;
    private const uint Stride = 64;

    /// <summary>The fields a frame of sequence <paramref name="seq"/> carries, all derived from seq so a torn copy shows.</summary>
    private static TpSlotFields FrameOf(ulong seq)
    {
        TpSlotFields f = TestRegion.Frame((uint)(seq & (Nslots - 1)), (uint)(seq % Stride) + 1, timestampNs: seq * 3 + 1, metaVersion: (uint)seq);
        f.ProgressStrideBytes = 0;
        return f;
    }

    private sealed class Producer : IDisposable
    {
        private readonly TestRegion _ring;
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _frames;

        public Producer(TestRegion ring)
        {
            _ring = ring;
            _thread = new Thread(Run) { IsBackground = true, Name = "live-producer" };
            _thread.Start();
        }

        public long Frames => Interlocked.Read(ref _frames);

        private void Run()
        {
            // Bounded even if the test never stops it.
            for (ulong seq = 0; !_stop && seq < 4_000_000_000UL; seq++)
            {
                _ring.Commit((uint)(seq & (Nslots - 1)), seq, FrameOf(seq));
                Interlocked.Increment(ref _frames);
            }
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join(TimeSpan.FromMinutes(1));
        }
    }

    private sealed class LiveRing : IDisposable
    {
        public LiveRing()
        {
            Dir = new TempDirectory();
            string epochDir = Path.Combine(Dir.Path, "live", "10000", "1");
            RingPath = Path.Combine(epochDir, "header.ring");
            Ring = TestRegion.CreateRing(Dir.Path, RingPath, 10000, 1, Nslots);
            Pool = TestRegion.CreatePool(Dir.Path, Path.Combine(epochDir, "1.pool"), 10000, 1, 1, Nslots, Stride);
        }

        public TempDirectory Dir { get; }
        public string RingPath { get; }
        public TestRegion Ring { get; }
        public TestRegion Pool { get; }

        public void Dispose()
        {
            Pool.Dispose();
            Ring.Dispose();
            Dir.Dispose();
        }
    }

    [Test]
    [NonParallelizable]
    public void A_slot_overwritten_during_every_copy_is_writing_after_a_bounded_number_of_tries_8_3()
    {
        using var live = new LiveRing();
        live.Ring.Commit(0, 0, FrameOf(0));
        ulong seq = 0;
        int overwrites = 0;
        // A producer that lands a whole new frame between every copy and its re-check of seq_commit.
        SlotReport s = ReadWithProducerAfterCopy(live, () =>
        {
            seq += Nslots;
            live.Ring.Commit(0, seq, FrameOf(seq));
            overwrites++;
        });

        Assert.That(s.State, Is.EqualTo(SlotState.Writing), "no copy was stable: none may be shown as committed");
        Assert.That(overwrites, Is.EqualTo(SlotReader.MaxAttempts), "bounded retries, then give up: never wait (§15.21 rule 5)");
    }

    [Test]
    [NonParallelizable]
    public void A_copy_that_raced_a_commit_is_retried_and_the_new_frame_shown_whole_8_3()
    {
        using var live = new LiveRing();
        live.Ring.Commit(0, 0, FrameOf(0));
        int calls = 0;
        SlotReport s = ReadWithProducerAfterCopy(live, () =>
        {
            if (calls++ == 0)
            {
                live.Ring.Commit(0, 8, FrameOf(8)); // overwritten once, right after the first copy
            }
        });

        Assert.That(s.State, Is.EqualTo(SlotState.Committed));
        Assert.That(s.Seq, Is.EqualTo(8UL), "the first copy (seq 0) was taken while the slot changed: discarded");
        Assert.That(s.Header!.TimestampNs, Is.EqualTo(8UL * 3 + 1));
        Assert.That(s.Header.MetaVersion, Is.EqualTo(8u));
        Assert.That(calls, Is.EqualTo(2));
    }

    /// <summary>Slot 0 read by the inspector's slot reader, with <paramref name="producer"/> run between each copy and its re-check.</summary>
    private static SlotReport ReadWithProducerAfterCopy(LiveRing live, Action producer)
    {
        TpSuperblock none = default;
        using var pools = new PoolSet(null, none);
        TpHeaderRing ring;
        Assert.That(NativeMethods.tp_header_ring_wrap(&ring, live.Ring.Base, live.Ring.Length), Is.Zero);
        SlotReader.AfterCopyForTests = producer;
        try
        {
            return SlotReader.Read(live.Ring.SlotAt(0), 0, &ring, pools);
        }
        finally
        {
            SlotReader.AfterCopyForTests = null;
        }
    }

    private static void AssertWholeFrames(JsonElement report, ref long committed, ref long writing)
    {
        Assert.That(report.GetProperty("valid").GetBoolean(), Is.True);
        foreach (JsonElement s in report.GetProperty("slots").EnumerateArray())
        {
            string? state = s.GetProperty("state").GetString();
            uint index = s.GetProperty("index").GetUInt32();
            ulong seq = s.GetProperty("seq").GetUInt64();
            if (state == "writing")
            {
                writing++;
                continue;
            }
            Assert.That(state, Is.EqualTo("committed"), s.ToString());
            committed++;
            JsonElement h = s.GetProperty("header");
            string what = $"slot {index} seq {seq}: {s}";
            Assert.That(seq & (Nslots - 1), Is.EqualTo((ulong)index), what);
            Assert.That(s.GetProperty("verdict").GetString(), Is.EqualTo("TP_FRAME_OK"), what);
            Assert.That(h.GetProperty("timestampNs").GetUInt64(), Is.EqualTo(seq * 3 + 1), what);
            Assert.That(h.GetProperty("metaVersion").GetUInt32(), Is.EqualTo((uint)seq), what);
            Assert.That(h.GetProperty("valuesLenBytes").GetUInt32(), Is.EqualTo((uint)(seq % Stride) + 1), what);
            Assert.That(h.GetProperty("dims")[0].GetInt32(), Is.EqualTo((int)(seq % Stride) + 1), what);
            Assert.That(h.GetProperty("payloadSlot").GetUInt32(), Is.EqualTo(index), what);
        }
    }

    [Test]
    public void Inspecting_a_ring_being_overwritten_shows_only_whole_frames_8_3()
    {
        using var live = new LiveRing();
        using var producer = new Producer(live.Ring);
        SpinWait.SpinUntil(() => producer.Frames > Nslots * 4, TimeSpan.FromMinutes(1));

        long committed = 0, writing = 0;
        for (int run = 0; run < 200; run++)
        {
            AssertWholeFrames(Tp.Inspect(live.RingPath), ref committed, ref writing);
        }
        Assert.That(producer.Frames, Is.GreaterThan(Nslots * 4), "the producer was writing");
        Assert.That(committed + writing, Is.EqualTo(200 * Nslots), "no slot of a running ring is ever empty");
        TestContext.Out.WriteLine($"{committed} committed and {writing} writing slots seen; {producer.Frames} frames written");
    }

    [Test]
    public void Tp_inspects_a_live_ring_from_another_process()
    {
        using var live = new LiveRing();
        using var producer = new Producer(live.Ring);
        SpinWait.SpinUntil(() => producer.Frames > Nslots * 4, TimeSpan.FromMinutes(1));

        long committed = 0, writing = 0;
        for (int run = 0; run < 3; run++)
        {
            using ChildProcess tp = Tp.Start("shm", "inspect", live.RingPath, "--json");
            Assert.That(tp.WaitForExit(TimeSpan.FromMinutes(2)), Is.Zero, tp.StandardError);
            using JsonDocument doc = JsonDocument.Parse(tp.StandardOutput);
            AssertWholeFrames(doc.RootElement, ref committed, ref writing);
        }
        Assert.That(committed + writing, Is.EqualTo(3 * Nslots));
    }

    [Test]
    public void A_slot_left_in_progress_is_writing_and_never_waited_for_15_21()
    {
        using var live = new LiveRing();
        live.Ring.Commit(0, 0, FrameOf(0));
        // The "producer" is the test itself, between the reader's two loads: begin (commit bit 0) and
        // leave it. A reader that waited for the commit would hang here; the inspector reports and returns.
        live.Ring.Begin(0, 8, FrameOf(8));

        JsonElement r = Tp.Inspect(live.RingPath);

        JsonElement slot = Tp.Slots(r)[0];
        Assert.That(slot.GetProperty("state").GetString(), Is.EqualTo("writing"));
        Assert.That(slot.GetProperty("seq").GetUInt64(), Is.EqualTo(8UL));
    }
}
