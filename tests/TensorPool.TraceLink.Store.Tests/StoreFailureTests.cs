using Microsoft.Data.Sqlite;
using TensorPool.Testing;
using TensorPool.TraceLink.Store;
using static TensorPool.TraceLink.Store.Tests.StoreFixture;

namespace TensorPool.TraceLink.Store.Tests;

/// <summary>
/// A database that cannot be used gives a clear error; one that stops being writable costs recording threads nothing
/// (TraceLink §5, §14): rows are queued, dropped and counted when the queue is full, and written when the lock goes.
/// </summary>
public class StoreFailureTests
{
    [Test]
    public void A_file_that_is_not_a_database_is_refused_with_a_clear_error()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "trace.db");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31))]);

        var e = Assert.Throws<TraceStoreException>(() => TraceStore.Open(new TraceStoreOptions { Path = path }))!;
        Assert.That(e.Kind, Is.EqualTo(TraceStoreErrorKind.NotAStore));
        Assert.That(e.Message, Does.StartWith(path + ": not an SQLite database"));
        Assert.That(e.IsBadInput, Is.True);
        var ro = Assert.Throws<TraceStoreException>(() => TraceStore.OpenReadOnly(path))!;
        Assert.That(ro.Kind, Is.EqualTo(TraceStoreErrorKind.NotAStore));
    }

    [Test]
    public void A_damaged_database_is_refused_with_a_clear_error()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "trace.db");
        using (TraceStore store = Open(dir))
        {
            for (ulong i = 0; i < 5000; i++)
            {
                store.TryRecordFrame(Frame(1, 1, i, 0x5000 + i));
            }
        }
        // Keep the header (page size, layout), overwrite the pages after it.
        using (FileStream f = File.OpenWrite(path))
        {
            f.Position = 4096;
            f.Write([.. Enumerable.Repeat((byte)0xA5, 64 * 1024)]);
        }

        var e = Assert.Throws<TraceStoreException>(() =>
        {
            using TraceStore store = TraceStore.OpenReadOnly(path);
            store.Lineage(0x5001);
            store.Frames(0x5001);
        })!;
        Assert.That(e.Kind, Is.AnyOf(TraceStoreErrorKind.Corrupt, TraceStoreErrorKind.NotAStore));
        Assert.That(e.Message, Does.StartWith(path + ": "));
    }

    [Test]
    public void A_database_of_another_application_is_refused_not_written_into()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "other.db");
        using (SqliteConnection c = Connect(path))
        {
            Execute(c, "PRAGMA application_id = 1234; CREATE TABLE t (x INTEGER)");
        }

        var e = Assert.Throws<TraceStoreException>(() => TraceStore.Open(new TraceStoreOptions { Path = path }))!;
        Assert.That(e.Message, Does.Contain("not a TraceLink store"));
        using SqliteConnection check = Connect(path);
        Assert.That(Scalar(check, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'frames'"), Is.Zero);
    }

    [Test]
    public void An_SQLite_database_without_the_tables_is_not_a_store_for_queries()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "empty.db");
        using (SqliteConnection c = Connect(path))
        {
            Execute(c, "CREATE TABLE t (x INTEGER)");
        }

        var e = Assert.Throws<TraceStoreException>(() => TraceStore.OpenReadOnly(path))!;
        Assert.That(e.Kind, Is.EqualTo(TraceStoreErrorKind.NotAStore));
        Assert.That(e.Message, Does.Contain("no such table: frames"));
    }

    [Test]
    public void Queries_never_create_a_missing_database()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "missing.db");

        var e = Assert.Throws<TraceStoreException>(() => TraceStore.OpenReadOnly(path))!;
        Assert.That(e.Kind, Is.EqualTo(TraceStoreErrorKind.NotFound));
        Assert.That(e.Message, Is.EqualTo(path + ": no such database"));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void A_database_locked_by_another_writer_at_open_gives_a_clear_error()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "trace.db");
        using SqliteConnection locker = Connect(path);
        Execute(locker, "CREATE TABLE lockme (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO lockme VALUES (1)");

        var e = Assert.Throws<TraceStoreException>(() => TraceStore.Open(new TraceStoreOptions { Path = path }))!;
        Assert.That(e.Kind, Is.EqualTo(TraceStoreErrorKind.Locked));
        Assert.That(e.Message, Is.EqualTo(path + ": the database is locked by another connection (it did not let go in time)"));
        Assert.That(e.IsBadInput, Is.False);
    }

    [Test]
    public void While_the_database_is_locked_recording_never_waits_drops_beyond_the_queue_and_catches_up_after()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir, configure: o => o.QueueCapacity = 1024);
        using SqliteConnection locker = Connect(store.Path);
        Execute(locker, "BEGIN IMMEDIATE; INSERT INTO trace_nodes VALUES (1, 1, 1)"); // holds the write lock

        int accepted = 0;
        for (ulong i = 0; i < 3000; i++)
        {
            if (store.TryRecordFrame(Frame(1, 1, i, 0x5000)))
            {
                accepted++;
            }
        }
        // The writer tries, fails on the lock and says so; the rows wait in the queue.
        DateTime until = DateTime.UtcNow + Wait;
        while (store.Counters.WriteFailures == 0 && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }

        Assert.That(store.Counters.WriteFailures, Is.GreaterThan(0));
        Assert.That(store.Counters.LastError, Does.Contain("locked"));
        Assert.That(accepted, Is.InRange(1024, 2048), "the queue, plus at most one queueful the writer took before it met the lock");
        Assert.That(store.Counters.DroppedQueueFull, Is.EqualTo(3000 - accepted));
        Assert.That(store.Counters.FramesWritten, Is.Zero);

        Execute(locker, "ROLLBACK");
        Flush(store);
        Assert.That(store.Counters.FramesWritten, Is.EqualTo(accepted), "everything accepted is written once the lock goes");
        Assert.That(store.Counters.LastError, Is.Null);
        Assert.That(store.Frames(0x5000), Has.Count.EqualTo(accepted));
    }

    [Test]
    public void Rows_still_unwritable_at_close_are_counted_lost()
    {
        using var dir = new TempDirectory();
        TraceStore store = Open(dir);
        using SqliteConnection locker = Connect(store.Path);
        Execute(locker, "BEGIN IMMEDIATE; INSERT INTO trace_nodes VALUES (1, 1, 1)");
        for (ulong i = 0; i < 100; i++)
        {
            store.TryRecordFrame(Frame(1, 1, i, 0x5000));
        }

        store.Dispose();

        Assert.That(store.Counters.DroppedAtClose, Is.EqualTo(100));
        Assert.That(store.Counters.Dropped, Is.EqualTo(100));
        Execute(locker, "ROLLBACK");
    }
}
