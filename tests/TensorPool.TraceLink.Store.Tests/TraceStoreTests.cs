using Microsoft.Data.Sqlite;
using TensorPool.Testing;
using TensorPool.TraceLink.Store;
using static TensorPool.TraceLink.Store.Tests.StoreFixture;

namespace TensorPool.TraceLink.Store.Tests;

/// <summary>The store's tables, journal mode, batching and reads (TraceLink §10, §11, §14).</summary>
public class TraceStoreTests
{
    [Test]
    public void A_new_store_has_the_spec_tables_and_indexes_10_1_10_2_10_4()
    {
        using var dir = new TempDirectory();
        using (Open(dir))
        {
        }
        using SqliteConnection c = Connect(Path.Combine(dir.Path, "trace.db"));

        string Sql(string name) => (string)Scalar(c, $"SELECT sql FROM sqlite_master WHERE name = '{name}'")!;
        Assert.That(Sql("frames"), Does.Contain("PRIMARY KEY (stream_id, epoch, seq)").And.Contain("WITHOUT ROWID")
            .And.Contain("stage_id    INTEGER NOT NULL").And.Contain("t_ns        INTEGER NOT NULL").And.Contain("status      INTEGER NOT NULL"));
        Assert.That(Sql("frames_trace_idx"), Does.Contain("ON frames(trace_id)"));
        Assert.That(Sql("trace_links"), Does.Contain("PRIMARY KEY (trace_id, parent_trace_id)").And.Contain("WITHOUT ROWID"));
        Assert.That(Sql("trace_links_parent_idx"), Does.Contain("ON trace_links(parent_trace_id)"));
        Assert.That(Sql("trace_windows"), Does.Contain("PRIMARY KEY (trace_id, in_stream_id)").And.Contain("seq_start    INTEGER,"));
        Assert.That(Sql("trace_windows_stream_idx"), Does.Contain("ON trace_windows(in_stream_id, epoch)"));
    }

    [Test]
    public void The_store_runs_in_WAL_mode_14_1()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir);
        using SqliteConnection c = Connect(store.Path);

        Assert.That(Scalar(c, "PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public void Frames_come_back_by_time_with_every_column_11_1()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir);
        store.TryRecordFrame(Frame(10003, 5, 8, 0x5000, t: 300) with { StageId = 3, Status = 2 });
        store.TryRecordFrame(Frame(10002, 5, 7, 0x5000, t: 200));
        store.TryRecordFrame(Frame(10000, 5, 7, 0x4000, t: 100));
        Flush(store);

        IReadOnlyList<TraceFrameRow> frames = store.Frames(0x5000);

        Assert.That(frames, Is.EqualTo(new[]
        {
            new TraceFrameRow(10002, 5, 7, 0, 200, 0x5000, 0),
            new TraceFrameRow(10003, 5, 8, 3, 300, 0x5000, 2),
        }));
    }

    [Test]
    public void Full_64_bit_values_survive_SQLites_signed_integers()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir);
        const ulong big = 0xF000_0000_0000_0001;
        store.TryRecordFrame(Frame(uint.MaxValue, big, big, big));
        store.TryRecordLinks(big, [big - 1]);
        Flush(store);

        Assert.That(store.Frames(big).Single(), Is.EqualTo(new TraceFrameRow(uint.MaxValue, big, big, 0, 1000, big, 0)));
        Assert.That(store.Parents(big), Is.EqualTo(new[] { big - 1 }));
    }

    [Test]
    public void Parents_and_children_are_the_queries_of_11_2_and_11_3()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir);
        store.TryRecordLinks(0x9000, [0x2000, 0x1000]);
        store.TryRecordLinks(0x9001, [0x1000]);
        Flush(store);

        Assert.That(store.Parents(0x9000), Is.EqualTo(new ulong[] { 0x1000, 0x2000 }));
        Assert.That(store.Children(0x1000), Is.EqualTo(new ulong[] { 0x9000, 0x9001 }));
    }

    [Test]
    public void A_frame_seen_twice_is_stored_once_and_the_repeat_counted()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir);
        store.TryRecordFrame(Frame(1, 1, 1, 0x5000));
        store.TryRecordFrame(Frame(1, 1, 1, 0x5000));
        Flush(store);

        Assert.That(store.Frames(0x5000), Has.Count.EqualTo(1));
        Assert.That(store.Counters.FramesWritten, Is.EqualTo(1));
        Assert.That(store.Counters.DuplicateFrames, Is.EqualTo(1));
    }

    [Test]
    public void Repeats_among_many_rows_are_counted_exactly_whatever_statement_carries_them()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir, configure: o => o.FlushInterval = TimeSpan.FromMilliseconds(100));
        for (ulong i = 0; i < 150; i++)
        {
            store.TryRecordFrame(Frame(1, 1, i % 100, 0x5000)); // 100 frames, the first 50 twice
            store.TryRecordLinks(0x9000 + (i % 70), [0x5000]);  // 70 links, 80 repeats
        }
        Flush(store);

        Assert.That(store.Counters.FramesWritten, Is.EqualTo(100));
        Assert.That(store.Counters.DuplicateFrames, Is.EqualTo(50));
        Assert.That(store.Counters.LinksWritten, Is.EqualTo(70));
        Assert.That(store.Frames(0x5000), Has.Count.EqualTo(100));
        Assert.That(store.Children(0x5000), Has.Count.EqualTo(70));
    }

    [Test]
    public void A_burst_is_committed_in_a_few_batched_transactions_not_one_per_row_14()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir, configure: o => o.FlushInterval = TimeSpan.FromMilliseconds(100));
        for (ulong i = 0; i < 20_000; i++)
        {
            Assert.That(store.TryRecordFrame(Frame(1, 1, i, 0x5000 + i)), Is.True);
        }
        Flush(store);

        Assert.That(store.Counters.FramesWritten, Is.EqualTo(20_000));
        Assert.That(store.Counters.Batches, Is.LessThanOrEqualTo(20_000 / 1000), store.Counters.ToString());
    }

    [TestCase(5)]
    [TestCase(101)]
    public void Flush_intervals_outside_10_to_100_ms_are_refused_14(int ms)
    {
        using var dir = new TempDirectory();
        Assert.That(() => Open(dir, configure: o => o.FlushInterval = TimeSpan.FromMilliseconds(ms)),
            Throws.ArgumentException.With.Message.Contains("FlushInterval").And.Message.Contains("10 to 100 ms"));
    }

    [Test]
    public void Recording_into_a_read_only_store_is_a_misuse()
    {
        using var dir = new TempDirectory();
        using (Open(dir))
        {
        }
        using TraceStore store = TraceStore.OpenReadOnly(Path.Combine(dir.Path, "trace.db"));

        Assert.That(() => store.TryRecordFrame(Frame(1, 1, 1, 1)), Throws.InvalidOperationException.With.Message.Contains("read-only"));
    }

    [Test]
    public void A_zero_trace_id_in_links_is_a_misuse_9_2()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir);

        Assert.That(() => store.TryRecordLinks(0, [1]), Throws.ArgumentException);
        Assert.That(() => store.TryRecordLinks(1, [0]), Throws.ArgumentException);
    }

    [Test]
    public void Node_records_keep_who_used_a_node_id_from_when_6_2()
    {
        using var dir = new TempDirectory();
        using (TraceStore store = Open(dir))
        {
            store.TryRecordNode(new TraceNode { NodeId = 7, ProcessId = 4242, StartTimeNs = 123 });
            Flush(store);
            Assert.That(store.Counters.NodesWritten, Is.EqualTo(1));
        }
        using SqliteConnection c = Connect(Path.Combine(dir.Path, "trace.db"));
        Assert.That(Scalar(c, "SELECT process_id FROM trace_nodes WHERE node_id = 7 AND start_time_ns = 123"), Is.EqualTo(4242));
    }

    [Test]
    public void Closing_writes_what_is_still_queued()
    {
        using var dir = new TempDirectory();
        using (TraceStore store = Open(dir, configure: o => o.FlushInterval = TimeSpan.FromMilliseconds(100)))
        {
            for (ulong i = 0; i < 500; i++)
            {
                store.TryRecordFrame(Frame(1, 1, i, 0x5000));
            }
        }
        using TraceStore again = TraceStore.OpenReadOnly(Path.Combine(dir.Path, "trace.db"));
        Assert.That(again.Frames(0x5000), Has.Count.EqualTo(500));
    }
}
