using System.Text.Json;
using TensorPool.Client.Tests.DataPath;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.Control;

/// <summary>
/// The consumer-control options of <c>tp consume</c> and the metadata/progress options of <c>tp produce</c>, run as real
/// processes over real shared memory.
/// </summary>
[NonParallelizable]
public class ControlCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static JsonElement Result(ChildProcess consume)
    {
        string line = consume.WaitForLine("result ", Timeout);
        Assert.That(consume.WaitForExit(Timeout), Is.Zero, consume.StandardError);
        return JsonDocument.Parse(line["result ".Length..]).RootElement.Clone();
    }

    [Test]
    public void Consume_rate_limited_on_a_per_consumer_stream_and_with_progress_against_produce_with_meta_name_and_progress_rows_10_1_2_10_2_2_10_3()
    {
        using var dir = new TempDirectory();
        string ns = "cc" + Environment.ProcessId;
        string[] common = ["--stream", "10002", "--shm-dir", dir.Path, "--namespace", ns, "--report"];
        using ChildProcess limited = ChildProcess.Start(DemoCommandTests.Tp(["consume", .. common, "--mode", "rate-limited", "--max-rate", "5", "--per-consumer-stream"]));
        limited.WaitForLine("ready", Timeout);
        using ChildProcess progress = ChildProcess.Start(DemoCommandTests.Tp(["consume", .. common, "--progress"]));
        progress.WaitForLine("ready", Timeout);
        using ChildProcess produce = ChildProcess.Start(DemoCommandTests.Tp("produce", "--stream", "10002", "--shm-dir", dir.Path, "--namespace", ns,
            "--frames", "60", "--rate", "30", "--shape", "256x1024", "--dtype", "uint8", "--progress-rows", "16",
            "--meta", "camera=cam0", "--meta", "lens=50mm", "--name", "bench-camera", "--wait-consumers", "2", "--json"));
        Assert.That(produce.WaitForExit(Timeout), Is.Zero, produce.StandardError);
        using JsonDocument p = JsonDocument.Parse(produce.StandardOutput);
        Assert.That(p.RootElement.GetProperty("published").GetInt64(), Is.EqualTo(60));
        double seconds = p.RootElement.GetProperty("seconds").GetDouble();
        Assert.That(p.RootElement.GetProperty("progressSent").GetInt64(), Is.GreaterThanOrEqualTo(120), "STARTED and COMPLETE for every frame at least");

        limited.WriteLine("stop 60");
        progress.WriteLine("stop 60");
        JsonElement l = Result(limited);
        JsonElement r = Result(progress);

        Assert.That(l.GetProperty("mode").GetString(), Is.EqualTo("rate-limited"));
        Assert.That(l.GetProperty("perConsumerStream").GetBoolean(), Is.True, l.ToString());
        Assert.That(l.GetProperty("corrupt").GetInt64(), Is.Zero);
        // 5 Hz over the producer's run (plus one frame of slack per second for where the first one fell): far fewer than 60.
        Assert.That(l.GetProperty("accepted").GetInt64(), Is.InRange(1, (long)Math.Ceiling(seconds * 5) + 3), l.ToString());

        Assert.That(r.GetProperty("mode").GetString(), Is.EqualTo("stream"));
        Assert.That(r.GetProperty("perConsumerStream").GetBoolean(), Is.False);
        Assert.That(r.GetProperty("corrupt").GetInt64(), Is.Zero);
        Assert.That(r.GetProperty("accepted").GetInt64() + r.GetProperty("dropsGap").GetInt64() + r.GetProperty("dropsLate").GetInt64() +
            r.GetProperty("dropsOther").GetInt64(), Is.EqualTo(60));
        JsonElement pr = r.GetProperty("progress");
        Assert.That(pr.GetProperty("complete").GetInt64(), Is.GreaterThan(0), r.ToString());
        Assert.That(pr.GetProperty("started").GetInt64(), Is.GreaterThan(0));
        Assert.That(pr.GetProperty("regressionsSeen").GetInt64(), Is.Zero);
        Assert.That(pr.GetProperty("droppedLayout").GetInt64(), Is.Zero, "ROWS progress with the row stride is layout-safe");

        JsonElement source = r.GetProperty("source");
        Assert.That(source.GetProperty("name").GetString(), Is.EqualTo("bench-camera"));
        Assert.That(source.GetProperty("meta").GetProperty("camera").GetString(), Is.EqualTo("cam0"));
        Assert.That(source.GetProperty("meta").GetProperty("lens").GetString(), Is.EqualTo("50mm"));
    }

    [Test]
    public void Consume_json_ends_with_the_per_consumer_object_of_the_demo()
    {
        using var dir = new TempDirectory();
        string ns = "cj" + Environment.ProcessId;
        using ChildProcess consume = ChildProcess.Start(DemoCommandTests.Tp("consume", "--stream", "10003", "--shm-dir", dir.Path, "--namespace", ns,
            "--frames", "50", "--json"));
        using ChildProcess produce = ChildProcess.Start(DemoCommandTests.Tp("produce", "--stream", "10003", "--shm-dir", dir.Path, "--namespace", ns,
            "--seconds", "60", "--rate", "200", "--bytes", "4096", "--wait-consumers", "1"));
        Assert.That(consume.WaitForExit(Timeout), Is.Zero, consume.StandardError);
        string[] lines = consume.StandardOutput.Trim().Split('\n');
        using JsonDocument doc = JsonDocument.Parse(lines[^1]);
        JsonElement c = doc.RootElement;
        foreach (string field in new[] { "consumerId", "accepted", "verified", "corrupt", "dropsGap", "dropsLate", "dropsOther", "latencyNs", "mode" })
        {
            Assert.That(c.TryGetProperty(field, out _), Is.True, field);
        }
        Assert.That(c.GetProperty("accepted").GetInt64(), Is.GreaterThan(0), c.ToString());
        Assert.That(c.GetProperty("latencyNs").GetProperty("p50").GetInt64(), Is.GreaterThan(0));
        produce.Kill();
    }

    [TestCase("consume", "--mode", "burst")]
    [TestCase("consume", "--max-rate", "10")]
    [TestCase("consume", "--mode", "rate-limited", "--max-rate", "0")]
    [TestCase("consume", "--mode", "rate-limited", "--max-rate", "-4")]
    [TestCase("consume", "--mode", "rate-limited", "--max-rate", "2000000")]
    [TestCase("produce", "--meta", "=value")]
    [TestCase("produce", "--meta", "novalue")]
    [TestCase("produce", "--meta", "k=1", "--meta", "k=2")]
    [TestCase("produce", "--meta", "k=caf\u00e9")]
    [TestCase("produce", "--name", "n\u00e4me")]
    [TestCase("produce", "--progress-rows", "0")]
    [TestCase("produce", "--progress-rows", "481")]
    [TestCase("produce", "--bytes", "64", "--progress-rows", "65")]
    public void Bad_control_arguments_print_one_line_and_exit_2(params string[] args)
    {
        using ChildProcess tp = ChildProcess.Start(DemoCommandTests.Tp(args));
        Assert.That(tp.WaitForExit(Timeout), Is.EqualTo(2));
        Assert.That(tp.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1), tp.StandardError);
        Assert.That(tp.StandardOutput, Is.Empty);
    }
}
