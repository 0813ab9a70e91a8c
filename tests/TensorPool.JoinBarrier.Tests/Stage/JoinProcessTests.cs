using System.Diagnostics;
using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.JoinBarrier.Tests.Stage;

/// <summary>
/// <c>tp join</c> as a real process between two <c>tp produce</c> at different rates and a <c>tp consume</c>, over
/// real shared memory; and a <c>tp join</c> whose map comes from another process, by request.
/// </summary>
[NonParallelizable]
public class JoinProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private const string Ns = "join-test";

    [TestCase("sequence")]
    [TestCase("timestamp", "--lateness-ns", "60000000")]
    [TestCase("latest")]
    public void Two_producers_at_different_rates_join_into_one_consumed_output(string barrier, params string[] extra)
    {
        using var dir = new TempDirectory();
        using ChildProcess consume = Tp(dir, "consume", "--stream", "20000", "--seconds", "120", "--json");
        using ChildProcess fast = Produce(dir, "11", "100");
        using ChildProcess slow = Produce(dir, "12", "40");
        using ChildProcess join = Tp(dir, ["join", "--input", "11", "--input", "12", "--output", "20000", "--barrier", barrier, "--seconds", "12", "--json", .. extra]);

        int joinExit = join.WaitForExit(Timeout);
        JsonElement result = LastJson(join);
        Stop(consume, fast, slow);
        JsonElement consumed = LastJson(consume);
        string all = Describe(join, consume, fast, slow);

        Assert.Multiple(() =>
        {
            Assert.That(joinExit, Is.Zero, all);
            Assert.That(result.GetProperty("barrier").GetString(), Is.EqualTo(barrier));
            Assert.That(result.GetProperty("outputs").GetInt64(), Is.GreaterThanOrEqualTo(20), all);
            Assert.That(result.GetProperty("mapsApplied").GetInt64(), Is.GreaterThanOrEqualTo(1), "its own map, as the authority");
            JsonElement[] inputs = [.. result.GetProperty("inputs").EnumerateArray()];
            Assert.That(inputs.Select(i => i.GetProperty("streamId").GetUInt32()), Is.EqualTo(new uint[] { 11, 12 }));
            Assert.That(inputs.Select(i => i.GetProperty("ready").GetInt64()), Has.All.GreaterThanOrEqualTo(20), all);
            Assert.That(result.GetProperty("latencyNs").GetProperty("p50").GetInt64(), Is.GreaterThan(0), all);
            Assert.That(consumed.GetProperty("accepted").GetInt64(), Is.GreaterThanOrEqualTo(10), "the output reached tp consume: " + all);
        });
        if (barrier == "sequence")
        {
            Assert.That(result.GetProperty("droppedOutputs").GetInt64(), Is.Zero, "1024-slot inputs: no aligned frame was overwritten");
        }
    }

    [Test]
    public void A_late_joining_tp_join_obtains_its_map_by_request_and_a_restart_blocks_until_the_new_map_arrives_7_3_10_3()
    {
        using var dir = new TempDirectory();
        using ChildProcess supervisor = ChildProcess.StartScenario("join-map-supervisor", dir.Path, Ns, "20000", "11,12", "600");
        supervisor.WaitForLine("ready", Timeout);
        // Equal rates: with OFFSET 0 maps, inputs at different rates drift apart until the faster one's 1024-slot ring
        // no longer holds the aligned frame (after ~17 s at 100 vs 40 Hz), and a second tp join started late under
        // load then outputs nothing. This test is about the map exchange, not rate drift.
        using ChildProcess fast = Produce(dir, "11", "40");
        using ChildProcess slow = Produce(dir, "12", "40");
        string[] join = ["join", "--input", "11", "--input", "12", "--output", "20000", "--no-authority", "--seconds", "8", "--json"];

        using ChildProcess first = Tp(dir, join);
        Assert.That(first.WaitForExit(Timeout), Is.Zero, Describe(first));
        JsonElement one = LastJson(first);
        using ChildProcess second = Tp(dir, join); // a new process: its output has a new epoch, whose map nobody published yet
        Assert.That(second.WaitForExit(Timeout), Is.Zero, Describe(second));
        JsonElement two = LastJson(second);
        supervisor.WriteLine("stop");
        Assert.That(supervisor.WaitForExit(Timeout), Is.Zero, Describe(supervisor));
        Stop(fast, slow);
        string all = Describe(first, second, supervisor);
        string[] published = [.. supervisor.StandardOutput.Split('\n').Where(l => l.StartsWith("published ", StringComparison.Ordinal)).Select(l => l[10..].Trim())];

        Assert.Multiple(() =>
        {
            foreach (JsonElement run in new[] { one, two })
            {
                Assert.That(run.GetProperty("authority").GetBoolean(), Is.False);
                Assert.That(run.GetProperty("mapRequests").GetInt64(), Is.GreaterThanOrEqualTo(1), "it asked for the map (§10.3): " + all);
                Assert.That(run.GetProperty("blocked").GetInt64(), Is.GreaterThanOrEqualTo(1), "no output before the map of its epoch (§7.3): " + all);
                Assert.That(run.GetProperty("mapsApplied").GetInt64(), Is.EqualTo(1), all);
                Assert.That(run.GetProperty("outputs").GetInt64(), Is.GreaterThanOrEqualTo(10), "outputs once the answer arrived: " + all);
            }
            Assert.That(two.GetProperty("outputEpoch").GetUInt64(), Is.GreaterThan(one.GetProperty("outputEpoch").GetUInt64()));
            Assert.That(published, Is.EqualTo(new[] { one.GetProperty("outputEpoch").ToString(), two.GetProperty("outputEpoch").ToString() }),
                "the supervisor published each epoch's map only when asked: " + all);
        });
    }

    private static ChildProcess Produce(TempDirectory dir, string stream, string rate) =>
        Tp(dir, "produce", "--stream", stream, "--rate", rate, "--bytes", "64", "--slots", "1024", "--seconds", "120");

    /// <summary><c>dotnet tp.dll args… --shm-dir DIR --namespace NS</c>, standard input a pipe (closing it stops tp join).</summary>
    private static ChildProcess Tp(TempDirectory dir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add("--shm-dir");
        psi.ArgumentList.Add(dir.Path);
        psi.ArgumentList.Add("--namespace");
        psi.ArgumentList.Add(Ns);
        return ChildProcess.Start(psi);
    }

    /// <summary>SIGTERM, as a user's <c>kill</c>: tp produce and tp consume stop cleanly and print their results.</summary>
    private static void Stop(params ChildProcess[] processes)
    {
        foreach (ChildProcess p in processes)
        {
            p.Signal("TERM");
        }
        foreach (ChildProcess p in processes)
        {
            p.WaitForExit(Timeout);
        }
    }

    private static JsonElement LastJson(ChildProcess process)
    {
        string? line = process.StandardOutput.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        Assert.That(line, Is.Not.Null, Describe(process));
        using JsonDocument doc = JsonDocument.Parse(line!);
        return doc.RootElement.Clone();
    }

    private static string Describe(params ChildProcess[] processes) =>
        string.Join("\n", processes.Select(p => $"--- {p.Id}\n{p.StandardOutput}\n{p.StandardError}"));
}
