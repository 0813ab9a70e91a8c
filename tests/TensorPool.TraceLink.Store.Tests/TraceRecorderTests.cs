using TensorPool.Testing;
using TensorPool.Time;
using TensorPool.TraceLink;
using TensorPool.TraceLink.Store;
using static TensorPool.TraceLink.Store.Tests.StoreFixture;

namespace TensorPool.TraceLink.Store.Tests;

/// <summary>
/// The recorder (TraceLink §9.2, §13, §14.2.2): frames and links from the wire into the store, TraceLinkSets checked
/// against their frame, every rejection counted by reason.
/// </summary>
public class TraceRecorderTests
{
    private const ulong A = 0x1000, B = 0x2000, J = 0x9000;

    private TempDirectory _dir = null!;
    private LoopbackTransport _transport = null!;
    private TraceStore _store = null!;
    private ManualClock _clock = null!;
    private Traffic _traffic = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory();
        _transport = new LoopbackTransport(capacity: 4096);
        _store = Open(_dir);
        _clock = new ManualClock(5_000_000_000);
        _traffic = new Traffic(_transport);
    }

    [TearDown]
    public void TearDown()
    {
        _traffic.Dispose();
        _store.Dispose();
        _transport.Dispose();
        _dir.Dispose();
    }

    private TraceRecorder Recorder(Action<TraceRecorderOptions>? configure = null)
    {
        var options = new TraceRecorderOptions { Clock = _clock, MatchTimeout = TimeSpan.FromSeconds(1) };
        configure?.Invoke(options);
        return new TraceRecorder(_transport, _store, options);
    }

    private static void PollAll(TraceRecorder r)
    {
        while (r.Poll() > 0)
        {
        }
    }

    [Test]
    public void Traced_frames_are_recorded_untraced_ones_only_counted_10_1()
    {
        using TraceRecorder r = Recorder(o => o.StageId = 4);
        _traffic.Frame(10000, 3, 7, A, timestampNs: 123_456);
        _traffic.Frame(10000, 3, 8, 0);
        _traffic.Frame(10000, 3, 9, A);
        PollAll(r);
        Flush(_store);

        Assert.That(r.Counters.Descriptors, Is.EqualTo(3));
        Assert.That(r.Counters.FramesRecorded, Is.EqualTo(2));
        Assert.That(r.Counters.UntracedFrames, Is.EqualTo(1));
        IReadOnlyList<TraceFrameRow> frames = _store.Frames(A);
        Assert.That(frames[0], Is.EqualTo(new TraceFrameRow(10000, 3, 7, 4, 123_456, A, TraceFrameStatus.Published)), "the descriptor's timestamp");
        Assert.That(frames[1].TimeNs, Is.EqualTo(5_000_000_000), "no timestamp: the arrival time (D155)");
    }

    [Test]
    public void A_TraceLinkSet_after_its_frame_is_recorded_as_links_14_2_2()
    {
        using TraceRecorder r = Recorder();
        _traffic.Frame(10002, 3, 7, J);
        PollAll(r);
        _traffic.Link(10002, 3, 7, J, A, B);
        PollAll(r);
        Flush(_store);

        Assert.That(r.Counters.LinkSetsRecorded, Is.EqualTo(1));
        Assert.That(r.Counters.LinksRecorded, Is.EqualTo(2));
        Assert.That(_store.Parents(J), Is.EqualTo(new[] { A, B }));
    }

    [Test]
    public void A_TraceLinkSet_before_its_frame_waits_for_it_and_is_then_recorded()
    {
        using TraceRecorder r = Recorder();
        _traffic.Link(10002, 3, 7, J, A, B);
        PollAll(r);
        Assert.That(r.PendingLinkSets, Is.EqualTo(1));

        _clock.Advance(TimeSpan.FromMilliseconds(500));
        _traffic.Frame(10002, 3, 7, J);
        PollAll(r);
        Flush(_store);

        Assert.That(r.PendingLinkSets, Is.Zero);
        Assert.That(_store.Parents(J), Is.EqualTo(new[] { A, B }));
    }

    [Test]
    public void A_TraceLinkSet_whose_frame_never_comes_is_rejected_as_unmatched_after_the_timeout_9_2()
    {
        using TraceRecorder r = Recorder();
        _traffic.Link(10002, 3, 7, J, A, B);
        PollAll(r);

        _clock.Advance(TimeSpan.FromSeconds(2));
        r.Poll();

        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.Unmatched), Is.EqualTo(1));
        Assert.That(r.PendingLinkSets, Is.Zero);
        Flush(_store);
        Assert.That(_store.Parents(J), Is.Empty);
    }

    [Test]
    public void A_TraceLinkSet_naming_another_epoch_than_its_frame_is_rejected_and_counted_9_2()
    {
        using TraceRecorder r = Recorder();
        _traffic.Frame(10002, 3, 7, J);
        _traffic.Link(10002, 4, 7, J, A, B);
        PollAll(r);
        _clock.Advance(TimeSpan.FromSeconds(2));
        r.Poll();

        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.FrameMismatch), Is.EqualTo(1));
        Flush(_store);
        Assert.That(_store.Parents(J), Is.Empty);
    }

    [Test]
    public void A_TraceLinkSet_naming_another_stream_than_its_frame_is_rejected_and_counted_9_2()
    {
        using TraceRecorder r = Recorder();
        _traffic.Frame(10002, 3, 7, J);
        _traffic.Link(10009, 3, 7, J, A, B);
        PollAll(r);
        _clock.Advance(TimeSpan.FromSeconds(2));
        r.Poll();

        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.FrameMismatch), Is.EqualTo(1));
    }

    [Test]
    public void A_TraceLinkSet_whose_frame_carries_another_trace_id_is_rejected_at_once_9_2()
    {
        using TraceRecorder r = Recorder();
        _traffic.Frame(10002, 3, 7, J);
        _traffic.Link(10002, 3, 7, J + 1, A, B);
        PollAll(r);

        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.FrameMismatch), Is.EqualTo(1));
        Assert.That(r.PendingLinkSets, Is.Zero);
    }

    [Test]
    public void TraceLinkSets_breaking_9_2_are_rejected_and_counted_by_reason()
    {
        using TraceRecorder r = Recorder();
        _traffic.Frame(10002, 3, 7, J);
        _traffic.Link(10002, 3, 7, J);              // no parents
        _traffic.Link(10002, 3, 7, J, A, 0);        // a zero parent
        _traffic.Link(10002, 3, 7, J, A, B, A);     // a duplicate
        _traffic.Link(10002, 3, 7, 0, A, B);        // a zero trace id
        _traffic.Control(Traffic.LinkSet(10002, 3, 7, J, A, B)[..20]); // truncated
        PollAll(r);
        Flush(_store);

        Assert.That(r.Counters.LinkSets, Is.EqualTo(5));
        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.NoParents), Is.EqualTo(1));
        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.NullParent), Is.EqualTo(1));
        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.DuplicateParent), Is.EqualTo(1));
        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.NullTraceId), Is.EqualTo(1));
        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.Malformed), Is.EqualTo(1));
        Assert.That(r.Counters.LinkSetsRejected, Is.EqualTo(5));
        Assert.That(_store.Parents(J), Is.Empty);
    }

    [Test]
    public void Other_control_traffic_is_passed_over_by_schemaId_before_any_decoding_13()
    {
        using TraceRecorder r = Recorder();
        byte[] announceLike = new byte[40];
        BitConverter.TryWriteBytes(announceLike.AsSpan(0), (ushort)32);
        BitConverter.TryWriteBytes(announceLike.AsSpan(2), (ushort)1);    // template 1 ...
        BitConverter.TryWriteBytes(announceLike.AsSpan(4), (ushort)900);  // ... of the wire schema, not TraceLinkSet
        _traffic.Control(announceLike);
        _traffic.Control([1, 2, 3]);
        PollAll(r);

        Assert.That(r.Counters.LinkSets, Is.Zero);
        Assert.That(r.Counters.LinkSetsRejected, Is.Zero);
        Assert.That(r.Counters.MalformedMessages, Is.EqualTo(1), "too short for a header");
    }

    [Test]
    public void Only_the_streams_asked_for_are_recorded()
    {
        using TraceRecorder r = Recorder(o => o.StreamIds = [10002]);
        _traffic.Frame(10002, 3, 7, J);
        _traffic.Frame(10000, 3, 7, A);
        _traffic.Link(10002, 3, 7, J, A, B);
        _traffic.Link(10005, 3, 7, J + 5, A, B);
        PollAll(r);
        Flush(_store);

        Assert.That(r.Counters.FramesRecorded, Is.EqualTo(1));
        Assert.That(r.Counters.FilteredFrames, Is.EqualTo(1));
        Assert.That(r.Counters.FilteredLinkSets, Is.EqualTo(1));
        Assert.That(_store.Frames(A), Is.Empty);
        Assert.That(_store.Parents(J), Is.EqualTo(new[] { A, B }));
    }

    [Test]
    public void A_recorder_behind_on_descriptors_neither_times_out_sets_nor_reads_them_far_ahead_of_their_frames()
    {
        using TraceRecorder r = Recorder(o => o.MaxPendingLinkSets = 8);
        for (ulong seq = 0; seq < 40; seq++)
        {
            // Four descriptors a set, as in a pipeline with one join: the set stream runs ahead of its frames.
            _traffic.Frame(10000, 3, seq, A + (seq << 16));
            _traffic.Frame(10001, 3, seq, B + (seq << 16));
            _traffic.Frame(10002, 3, seq, J + seq);
            _traffic.Frame(10003, 3, seq, J + seq);
            _traffic.Link(10002, 3, seq, J + seq, A + (seq << 16), B + (seq << 16));
        }

        r.Poll(messageLimit: 2);       // two frames read, sets read up to their own limit
        _clock.Advance(TimeSpan.FromSeconds(5));
        r.Poll(messageLimit: 2);       // still behind: nothing waiting is given up
        Assert.That(r.Counters.LinkSetsRejected, Is.Zero);
        Assert.That(r.PendingLinkSets, Is.LessThanOrEqualTo(8));

        while (r.Poll(messageLimit: 2) > 0)
        {
        }
        r.ExpirePending();
        Flush(_store);
        Assert.That(r.Counters.LinkSetsRecorded, Is.EqualTo(40));
        Assert.That(r.Counters.LinkSetsRejected, Is.Zero);
    }

    [Test]
    public void Sets_still_waiting_at_the_end_are_rejected_as_unmatched()
    {
        using TraceRecorder r = Recorder();
        _traffic.Link(10002, 3, 7, J, A, B);
        PollAll(r);

        r.ExpirePending();

        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.Unmatched), Is.EqualTo(1));
    }

    [Test]
    public void More_waiting_sets_than_allowed_push_the_oldest_out_as_unmatched()
    {
        using TraceRecorder r = Recorder(o => o.MaxPendingLinkSets = 2);
        for (ulong seq = 0; seq < 3; seq++)
        {
            _traffic.Link(10002, 3, seq, J + seq, A, B);
        }
        PollAll(r);

        Assert.That(r.PendingLinkSets, Is.EqualTo(2));
        Assert.That(r.Counters.Rejected(TraceLinkRejectReason.Unmatched), Is.EqualTo(1));
    }

    [Test]
    public void The_emission_queue_and_the_recorder_agree_end_to_end()
    {
        using TraceRecorder r = Recorder();
        var links = new TraceLinkQueue();
        var linker = new TraceLinker(new TraceIdGenerator(12), links);
        ulong a = linker.Root(), b = linker.Root();
        _traffic.Frame(10000, 1, 0, a);
        _traffic.Frame(10001, 1, 0, b);
        ulong j = linker.Join(10002, 1, 0, [a, b]);
        _traffic.Frame(10002, 1, 0, j);
        _traffic.Frame(10003, 1, 0, linker.Forward(j));
        using (var control = _transport.AddPublication("tp:ipc", 1000))
        {
            links.Drain(control);
        }
        PollAll(r);
        Flush(_store);

        TraceLineage lineage = _store.Lineage(j);
        Assert.That(lineage.Roots, Is.EquivalentTo(new[] { a, b }));
        Assert.That(lineage.Frames.Select(f => f.StreamId), Is.EquivalentTo(new uint[] { 10002, 10003 }));
    }

    [Test]
    public void A_full_store_queue_drops_frames_counted_and_the_recorder_keeps_going()
    {
        using var dir = new TempDirectory();
        using TraceStore small = Open(dir, "small.db", o => o.QueueCapacity = 1024);
        using Microsoft.Data.Sqlite.SqliteConnection locker = Connect(small.Path);
        Execute(locker, "BEGIN IMMEDIATE; INSERT INTO trace_nodes VALUES (1, 1, 1)");
        using var recorder = new TraceRecorder(_transport, small, new TraceRecorderOptions { Clock = _clock });
        for (ulong seq = 0; seq < 3000; seq++)
        {
            _traffic.Frame(10000, 1, seq, A + seq);
            if (seq % 500 == 0)
            {
                PollAll(recorder);
            }
        }
        PollAll(recorder);

        Assert.That(recorder.Counters.Descriptors, Is.EqualTo(3000), "every descriptor was taken off the transport");
        Assert.That(recorder.LostMessages, Is.Zero);
        Assert.That(recorder.Counters.FramesDropped, Is.GreaterThan(0));
        Assert.That(recorder.Counters.FramesDropped + recorder.Counters.FramesRecorded, Is.EqualTo(3000));
        Assert.That(small.Counters.DroppedQueueFull, Is.EqualTo(recorder.Counters.FramesDropped));
        Execute(locker, "ROLLBACK");
    }
}
