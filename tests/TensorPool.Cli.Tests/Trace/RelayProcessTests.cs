using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests.Trace;

/// <summary>
/// A 1→1 stage as real processes over shared memory: <c>tp produce --trace</c> → <c>tp relay</c> → <c>tp consume</c>,
/// recorded by <c>tp trace record</c> (TraceLink §6.3, §8.1, §14.2.1).
/// </summary>
[NonParallelizable]
public class RelayProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const string Ns = "relay-test";
    private const uint Input = 10100, Output = 10101, NodeId = 5;

    private static JsonElement Parse(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static ulong[] TraceIds(string db, uint stream)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        c.Open();
        using SqliteCommand q = c.CreateCommand();
        q.CommandText = "SELECT trace_id FROM frames WHERE stream_id = $s ORDER BY seq";
        q.Parameters.AddWithValue("$s", stream);
        var ids = new List<ulong>();
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            ids.Add(unchecked((ulong)r.GetInt64(0)));
        }
        return [.. ids];
    }

    [Test]
    public void Tp_relay_passes_each_frames_trace_id_on_unchanged_end_to_end_6_3()
    {
        using var dir = new TempDirectory();
        string db = Path.Combine(dir.Path, "trace.db");
        using ChildProcess recorder = Tp.StartIn(dir, Ns, "trace", "record", "--db", db, "--json");
        recorder.WaitForError("tp trace record: recording", Timeout);
        using ChildProcess consumer = Tp.StartIn(dir, Ns, "consume", "--stream", $"{Output}", "--no-verify", "--report");
        consumer.WaitForLine("ready", Timeout);
        using ChildProcess relay = Tp.StartIn(dir, Ns, "relay", "--input", $"{Input}", "--output", $"{Output}", "--json", "--max-bytes", "4096");
        relay.WaitForError("tp relay: relaying", Timeout);

        // The producer starts once the relay's consumer has mapped it (its QoS says so): every frame is relayed.
        using ChildProcess producer = Tp.StartIn(dir, Ns, "produce", "--stream", $"{Input}", "--trace", "--node-id", $"{NodeId}",
            "--bytes", "256", "--rate", "50", "--frames", "40", "--wait-consumers", "1", "--json");
        Assert.That(producer.WaitForExit(Timeout), Is.Zero, producer.StandardError);
        JsonElement produced = Parse(producer.StandardOutput);

        DateTime until = DateTime.UtcNow + Timeout;
        while (!consumer.StandardOutput.Contains($"\"last_trace_id\":{produced.GetProperty("last_trace_id").GetUInt64()}", StringComparison.Ordinal) &&
            DateTime.UtcNow < until)
        {
            Thread.Sleep(50);
        }
        relay.CloseStandardInput();
        Assert.That(relay.WaitForExit(Timeout), Is.Zero, relay.StandardError);
        JsonElement relayed = Parse(relay.StandardOutput);
        consumer.CloseStandardInput();
        Assert.That(consumer.WaitForExit(Timeout), Is.Zero, consumer.StandardError);
        JsonElement consumed = Parse(consumer.WaitForLine("result ", Timeout)["result ".Length..]);
        recorder.CloseStandardInput();
        Assert.That(recorder.WaitForExit(Timeout), Is.Zero, recorder.StandardError);

        Assert.That(produced.GetProperty("trace_node_id").GetUInt32(), Is.EqualTo(NodeId));
        Assert.That(relayed.GetProperty("relayed").GetInt64(), Is.EqualTo(40), relay.StandardError);
        Assert.That(consumed.GetProperty("accepted").GetInt64(), Is.EqualTo(40));
        Assert.That(consumed.GetProperty("traced").GetInt64(), Is.EqualTo(40), "§8.1: every frame of the relayed stream is traced");
        Assert.That(consumed.GetProperty("first_trace_id").GetUInt64(), Is.EqualTo(produced.GetProperty("first_trace_id").GetUInt64()));
        Assert.That(consumed.GetProperty("last_trace_id").GetUInt64(), Is.EqualTo(produced.GetProperty("last_trace_id").GetUInt64()));

        ulong[] roots = TraceIds(db, Input);
        ulong[] relayedIds = TraceIds(db, Output);
        Assert.That(roots, Has.Length.EqualTo(40).And.Unique.And.None.EqualTo(0UL), "§6.3: each camera frame mints its own id");
        Assert.That(relayedIds, Is.EqualTo(roots), "§6.3: 1→1 frames reuse the upstream id, frame by frame");

        (int exit, string output, string error) = Tp.Run("trace", "frames", roots[7].ToString(CultureInfo.InvariantCulture), "--db", db);
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain(": 2 frames").And.Contain($"stream {Input}").And.Contain($"stream {Output}"));
    }

    [Test]
    public void Tp_relay_refuses_bad_arguments_with_exit_2()
    {
        (int exit, _, string error) = Tp.Run("relay", "--input", "5", "--output", "5");
        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput));
        Assert.That(error, Does.Contain("another stream"));

        (exit, _, error) = Tp.Run("relay", "--input", "5", "--output", "6", "--trace");
        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput));
        Assert.That(error, Does.Contain("--node-id"));

        (exit, _, error) = Tp.Run("produce", "--trace", "--node-id", "1024");
        Assert.That(exit, Is.EqualTo(TpCommand.ExitBadInput));
        Assert.That(error, Does.Contain("0 to 1023"));
    }
}
