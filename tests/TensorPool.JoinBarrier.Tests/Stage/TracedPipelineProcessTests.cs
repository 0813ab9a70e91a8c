using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.JoinBarrier.Tests.Stage;

/// <summary>
/// A traced pipeline of real processes over shared memory: two <c>tp produce --trace</c> (roots, different node ids) →
/// <c>tp join --trace</c> (N→1) → <c>tp relay</c> (1→1) → <c>tp consume</c>, recorded by <c>tp trace record</c>, then
/// asked with <c>tp trace lineage</c> and <c>tp trace frames</c> (TraceLink §6.3, §9, §11).
/// </summary>
[NonParallelizable]
public class TracedPipelineProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private const string Ns = "traced-pipeline-test";
    private const uint Left = 10011, Right = 10012, Joined = 10020, Relayed = 10030;

    [Test]
    public void A_final_frame_s_lineage_names_both_camera_roots_and_the_join_s_intermediate_trace_6_3_9_11()
    {
        using var dir = new TempDirectory();
        string db = Path.Combine(dir.Path, "trace.db");
        using ChildProcess recorder = Tp(dir, "trace", "record", "--db", db, "--json");
        recorder.WaitForError("tp trace record: recording", Timeout);
        using ChildProcess consumer = Tp(dir, "consume", "--stream", $"{Relayed}", "--no-verify", "--report");
        consumer.WaitForLine("ready", Timeout);
        using ChildProcess relay = Tp(dir, "relay", "--input", $"{Joined}", "--output", $"{Relayed}", "--max-bytes", "4096", "--json");
        relay.WaitForError("tp relay: relaying", Timeout);
        using ChildProcess join = Tp(dir, "join", "--input", $"{Left}", "--input", $"{Right}", "--output", $"{Joined}", "--trace", "--node-id", "3", "--json");
        join.WaitForError("tp join: joining", Timeout);

        // Each producer starts once the join's consumer has mapped it (its QoS says so).
        using ChildProcess left = Produce(dir, Left, nodeId: 1);
        using ChildProcess right = Produce(dir, Right, nodeId: 2);
        Assert.That(left.WaitForExit(Timeout), Is.Zero, Describe(left));
        Assert.That(right.WaitForExit(Timeout), Is.Zero, Describe(right));
        WaitUntilSettled(consumer);

        join.CloseStandardInput();
        Assert.That(join.WaitForExit(Timeout), Is.Zero, Describe(join));
        relay.CloseStandardInput();
        Assert.That(relay.WaitForExit(Timeout), Is.Zero, Describe(relay));
        consumer.CloseStandardInput();
        Assert.That(consumer.WaitForExit(Timeout), Is.Zero, Describe(consumer));
        JsonElement consumed = Parse(consumer.WaitForLine("result ", Timeout)["result ".Length..]);
        recorder.CloseStandardInput();
        Assert.That(recorder.WaitForExit(Timeout), Is.Zero, Describe(recorder));
        JsonElement joined = LastJson(join);
        JsonElement recorded = Parse(recorder.StandardOutput);
        string all = Describe(recorder, consumer, relay, join, left, right);

        Assert.That(joined.GetProperty("outputs").GetInt64(), Is.GreaterThanOrEqualTo(20), all);
        Assert.That(joined.GetProperty("traceNodeId").GetUInt32(), Is.EqualTo(3));
        Assert.That(joined.GetProperty("traceLinksEnqueued").GetInt64(), Is.EqualTo(joined.GetProperty("outputs").GetInt64()),
            "one TraceLinkSet per output: every output had two traced parents");
        Assert.That(recorded.GetProperty("linkSetsRecorded").GetInt64(), Is.GreaterThanOrEqualTo(1), all);
        Assert.That(consumed.GetProperty("accepted").GetInt64(), Is.GreaterThanOrEqualTo(1), all);
        Assert.That(consumed.GetProperty("traced").GetInt64(), Is.EqualTo(consumed.GetProperty("accepted").GetInt64()), "§8.1: every frame traced");
        string final = consumed.GetProperty("last_trace_id").GetUInt64().ToString(CultureInfo.InvariantCulture);

        (int exit, string output, string error) = Run("trace", "lineage", final, "--db", db, "--json");
        Assert.That(exit, Is.Zero, error + all);
        JsonElement lineage = Parse(output);
        Assert.Multiple(() =>
        {
            Assert.That(lineage.GetProperty("roots").GetArrayLength(), Is.EqualTo(2), "both cameras' roots: " + output);
            Assert.That(lineage.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("streamId").GetUInt32()),
                Is.EquivalentTo(new[] { Joined, Relayed }), "the intermediate trace: the join's output frame and the relay's copy: " + output);
            Assert.That(lineage.GetProperty("ancestors").EnumerateArray().Select(a => a.GetProperty("frames")[0].GetProperty("streamId").GetUInt32()),
                Is.EquivalentTo(new[] { Left, Right }), "the roots are the two producers' frames: " + output);
        });

        (exit, output, error) = Run("trace", "frames", final, "--db", db);
        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain(": 2 frames").And.Contain($"stream {Joined} ").And.Contain($"stream {Relayed} "), output);
    }

    [Test]
    public void Tp_join_trace_without_a_node_id_or_with_one_beyond_10_bits_exits_2_6_2()
    {
        (int exit, _, string error) = Run("join", "--input", $"{Left}", "--output", $"{Joined}", "--trace");
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain("--node-id"));

        (exit, _, error) = Run("join", "--input", $"{Left}", "--output", $"{Joined}", "--trace", "--node-id", "1024");
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain("0 to 1023"));
    }

    private static ChildProcess Produce(TempDirectory dir, uint stream, int nodeId) =>
        Tp(dir, "produce", "--stream", $"{stream}", "--trace", "--node-id", $"{nodeId}", "--bytes", "64", "--slots", "1024",
            "--rate", "20", "--frames", "40", "--wait-consumers", "1", "--json");

    /// <summary>Waits until the consumer's accepted count is non-zero and has not moved for three seconds (a slow machine).</summary>
    private static void WaitUntilSettled(ChildProcess consumer)
    {
        var deadline = Stopwatch.StartNew();
        long last = -1;
        var still = Stopwatch.StartNew();
        while (deadline.Elapsed < Timeout)
        {
            long accepted = LastAccepted(consumer);
            if (accepted != last)
            {
                last = accepted;
                still.Restart();
            }
            else if (accepted > 0 && still.Elapsed > TimeSpan.FromSeconds(3))
            {
                return;
            }
            Thread.Sleep(200);
        }
    }

    private static long LastAccepted(ChildProcess consumer)
    {
        string? line = consumer.StandardOutput.Split('\n').LastOrDefault(l => l.StartsWith("progress ", StringComparison.Ordinal) && l.TrimEnd().EndsWith('}'));
        return line is null ? 0 : Parse(line["progress ".Length..]).GetProperty("accepted").GetInt64();
    }

    /// <summary><c>dotnet tp.dll args… --shm-dir DIR --namespace NS</c>, standard input a pipe (closing it stops the command).</summary>
    private static ChildProcess Tp(TempDirectory dir, params string[] args) => Start([.. args, "--shm-dir", dir.Path, "--namespace", Ns]);

    private static ChildProcess Start(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return ChildProcess.Start(psi);
    }

    /// <summary>A <c>tp</c> query of the store run to its end: exit code, standard output and standard error.</summary>
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using ChildProcess p = Start(args);
        p.CloseStandardInput();
        int exit = p.WaitForExit(Timeout);
        return (exit, p.StandardOutput, p.StandardError);
    }

    private static JsonElement Parse(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static JsonElement LastJson(ChildProcess process)
    {
        string? line = process.StandardOutput.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        Assert.That(line, Is.Not.Null, Describe(process));
        return Parse(line!);
    }

    private static string Describe(params ChildProcess[] processes) =>
        string.Join("\n", processes.Select(p => $"--- {p.Id}\n{p.StandardOutput}\n{p.StandardError}"));
}
