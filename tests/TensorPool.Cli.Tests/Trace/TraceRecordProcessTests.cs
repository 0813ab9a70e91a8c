using System.Text.Json;
using Microsoft.Data.Sqlite;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests.Trace;

/// <summary>
/// <c>tp trace record</c> as a real process, fed traffic published with the transport directly, then asked with
/// <c>tp trace lineage</c> and <c>tp trace frames</c> (TraceLink §9.2, §10, §11, §14).
/// </summary>
[NonParallelizable]
public class TraceRecordProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const string Ns = "trace-test";
    private const string Recording = "tp trace record: recording";

    // Two cameras (roots A, B), a join J of both (N→1), a filter passing J on (1→1), as in the pipeline.
    private const ulong A = 0x0100_0000_0000_1001, B = 0x0100_0000_0000_2001, J = 0x0100_0000_0000_9001;

    private static ChildProcess Record(TempDirectory dir, string db, params string[] more) =>
        Tp.StartIn(dir, Ns, ["trace", "record", "--db", db, "--json", .. more]);

    private static JsonElement Stop(ChildProcess recorder, int expectedExit = TpCommand.ExitOk)
    {
        recorder.CloseStandardInput();
        Assert.That(recorder.WaitForExit(Timeout), Is.EqualTo(expectedExit), recorder.StandardError + recorder.StandardOutput);
        using JsonDocument doc = JsonDocument.Parse(recorder.StandardOutput);
        return doc.RootElement.Clone();
    }

    private static void PublishPipeline(TraceTraffic t)
    {
        t.Frame(10000, 1, 0, A);
        t.Frame(10001, 1, 0, B);
        t.Frame(10002, 1, 0, J);
        t.Link(10002, 1, 0, J, A, B);
        t.Frame(10003, 1, 0, J);
    }

    [Test]
    public void Recorded_pipeline_traffic_answers_lineage_with_both_roots_and_the_intermediate_trace()
    {
        using var dir = new TempDirectory();
        string db = Path.Combine(dir.Path, "trace.db");
        using ChildProcess recorder = Record(dir, db);
        recorder.WaitForError(Recording, Timeout);
        using (var traffic = new TraceTraffic(dir, Ns))
        {
            PublishPipeline(traffic);
        }
        JsonElement summary = Stop(recorder);

        Assert.That(summary.GetProperty("framesRecorded").GetInt64(), Is.EqualTo(4));
        Assert.That(summary.GetProperty("linkSetsRecorded").GetInt64(), Is.EqualTo(1));
        Assert.That(summary.GetProperty("lost").GetInt64(), Is.Zero);
        Assert.That(summary.GetProperty("store").GetProperty("framesWritten").GetInt64(), Is.EqualTo(4));

        (int exit, string output, string error) = Tp.Run("trace", "lineage", J.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db, "--json");
        Assert.That(exit, Is.Zero, error);
        using JsonDocument lineage = JsonDocument.Parse(output);
        JsonElement l = lineage.RootElement;
        Assert.That(l.GetProperty("roots").EnumerateArray().Select(e => e.GetUInt64()), Is.EquivalentTo(new[] { A, B }));
        Assert.That(l.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("streamId").GetUInt32()), Is.EquivalentTo(new uint[] { 10002, 10003 }),
            "the intermediate trace's frames: the join's output and the filter's");
        Assert.That(l.GetProperty("ancestors").EnumerateArray().Select(a => a.GetProperty("frames")[0].GetProperty("streamId").GetUInt32()),
            Is.EquivalentTo(new uint[] { 10000, 10001 }));

        (exit, output, error) = Tp.Run("trace", "lineage", "0x" + A.ToString("x", System.Globalization.CultureInfo.InvariantCulture), "--db", db);
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("descendants: 1").And.Contain($"trace {J} ("));

        (exit, output, error) = Tp.Run("trace", "frames", J.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db);
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain(": 2 frames").And.Contain("stream 10002  epoch 1  seq 0").And.Contain("stream 10003  epoch 1  seq 0"));
    }

    [Test]
    public void TraceLinkSets_breaking_9_2_are_rejected_and_counted_by_the_recorder()
    {
        using var dir = new TempDirectory();
        string db = Path.Combine(dir.Path, "trace.db");
        using ChildProcess recorder = Record(dir, db, "--match-timeout", "1");
        recorder.WaitForError(Recording, Timeout);
        using (var t = new TraceTraffic(dir, Ns))
        {
            t.Frame(10002, 1, 0, J);
            t.Link(10002, 1, 0, J);          // no parents
            t.Link(10002, 1, 0, J, A, 0);    // a zero parent
            t.Link(10002, 1, 0, J, A, B, A); // a duplicate
            t.Link(10002, 2, 0, J, A, B);    // another epoch than the frame's
            t.Link(10009, 1, 0, J, A, B);    // another stream than the frame's
            t.Link(10002, 1, 0, J, A, B);    // the good one
        }
        Thread.Sleep(TimeSpan.FromSeconds(2)); // past the 1 s match timeout: the mismatches are decided while running
        JsonElement s = Stop(recorder);

        JsonElement rejected = s.GetProperty("rejected");
        Assert.That(rejected.GetProperty("noParents").GetInt64(), Is.EqualTo(1));
        Assert.That(rejected.GetProperty("nullParent").GetInt64(), Is.EqualTo(1));
        Assert.That(rejected.GetProperty("duplicateParent").GetInt64(), Is.EqualTo(1));
        Assert.That(rejected.GetProperty("frameMismatch").GetInt64(), Is.EqualTo(2), "the other epoch and the other stream");
        Assert.That(s.GetProperty("linkSetsRejected").GetInt64(), Is.EqualTo(5));
        Assert.That(s.GetProperty("linkSetsRecorded").GetInt64(), Is.EqualTo(1));
        (int exit, string output, _) = Tp.Run("trace", "lineage", J.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db, "--json");
        Assert.That(exit, Is.Zero);
        Assert.That(JsonDocument.Parse(output).RootElement.GetProperty("roots").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public void A_locked_database_is_reported_while_publishers_carry_on_and_the_frames_are_written_once_it_is_free()
    {
        using var dir = new TempDirectory();
        string db = Path.Combine(dir.Path, "trace.db");
        using ChildProcess recorder = Record(dir, db);
        recorder.WaitForError(Recording, Timeout);
        using var locker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, DefaultTimeout = 5 }.ToString());
        locker.Open();
        using (SqliteCommand c = locker.CreateCommand())
        {
            c.CommandText = "BEGIN IMMEDIATE; INSERT INTO trace_nodes VALUES (1, 1, 1)"; // the write lock, held
            c.ExecuteNonQuery();
        }
        using (var t = new TraceTraffic(dir, Ns))
        {
            for (ulong seq = 0; seq < 2000; seq++)
            {
                t.Frame(10000, 1, seq, A + seq); // the offers succeed: nobody waits for the recorder
            }
            recorder.WaitForError("the database is locked", Timeout);
            using (SqliteCommand c = locker.CreateCommand())
            {
                c.CommandText = "ROLLBACK";
                c.ExecuteNonQuery();
            }
            recorder.WaitForError("tp trace record: writing again", Timeout);
            t.Frame(10000, 1, 5000, A + 5000);
        }
        JsonElement s = Stop(recorder);

        Assert.That(s.GetProperty("framesRecorded").GetInt64(), Is.EqualTo(2001));
        Assert.That(s.GetProperty("store").GetProperty("framesWritten").GetInt64(), Is.EqualTo(2001));
        Assert.That(s.GetProperty("store").GetProperty("writeFailures").GetInt64(), Is.GreaterThan(0));
        Assert.That(s.GetProperty("lost").GetInt64(), Is.Zero);
    }

    [Test]
    public void Recording_into_a_file_that_is_not_a_database_exits_2_with_one_line()
    {
        using var dir = new TempDirectory();
        string db = Path.Combine(dir.Path, "garbage.db");
        File.WriteAllText(db, new string('x', 10_000));

        (int exit, string output, string error) = Tp.Run("trace", "record", "--db", db, "--seconds", "1", "--shm-dir", dir.Path);

        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput), output);
        Assert.That(error.Trim(), Is.EqualTo($"tp trace record: {db}: not an SQLite database (a corrupt or foreign file)"));
    }

    [Test]
    public void Recording_for_a_while_with_nothing_to_record_exits_0()
    {
        using var dir = new TempDirectory();
        string db = Path.Combine(dir.Path, "trace.db");

        (int exit, string output, string error) = Tp.Run("trace", "record", "--db", db, "--seconds", "0.5", "--shm-dir", dir.Path, "--namespace", Ns);

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Is.Empty, "the summary goes to standard error");
        Assert.That(error, Does.Contain("frames: 0 descriptors").And.Contain("lost: 0"));
        Assert.That(File.Exists(db), Is.True);
    }
}
