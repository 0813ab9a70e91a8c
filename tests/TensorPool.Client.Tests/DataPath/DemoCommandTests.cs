using System.Diagnostics;
using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.DataPath;

/// <summary><c>tp demo</c> as a newcomer runs it: a real process that starts its own producer and consumer processes.</summary>
[NonParallelizable]
public class DemoCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    internal static ProcessStartInfo Tp(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }

    /// <summary>Every demo namespace left under the base dir (there must be none afterwards).</summary>
    private static string[] DemoNamespaces(string baseDir) =>
        Directory.Exists(baseDir)
            ? [.. Directory.GetDirectories(baseDir, "tensorpool-*").SelectMany(u => Directory.GetDirectories(u, "demo-*"))]
            : [];

    [Test]
    public void Demo_json_reports_two_consumers_with_no_corrupt_frame_and_leaves_no_shared_memory()
    {
        using var dir = new TempDirectory();
        using ChildProcess demo = ChildProcess.Start(Tp("demo", "--seconds", "3", "--json", "--shm-dir", dir.Path));
        Assert.That(demo.WaitForExit(Timeout), Is.Zero, demo.StandardError);

        using JsonDocument doc = JsonDocument.Parse(demo.StandardOutput);
        JsonElement root = doc.RootElement;
        long published = root.GetProperty("published").GetInt64();
        Assert.That(published, Is.GreaterThan(0));
        Assert.That(root.GetProperty("framesPerSecond").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("bytesPerSecond").GetDouble(), Is.GreaterThan(0));
        JsonElement[] consumers = [.. root.GetProperty("consumers").EnumerateArray()];
        Assert.That(consumers, Has.Length.EqualTo(2));
        foreach (JsonElement c in consumers)
        {
            Assert.That(c.GetProperty("corrupt").GetInt64(), Is.Zero);
            Assert.That(c.GetProperty("accepted").GetInt64(), Is.GreaterThan(0));
            long accounted = c.GetProperty("accepted").GetInt64() + c.GetProperty("dropsGap").GetInt64() +
                c.GetProperty("dropsLate").GetInt64() + c.GetProperty("dropsOther").GetInt64();
            Assert.That(accounted, Is.EqualTo(published), "every published frame is accepted or a counted drop");
            JsonElement latency = c.GetProperty("latencyNs");
            Assert.That(latency.GetProperty("p50").GetInt64(), Is.GreaterThan(0));
            Assert.That(latency.GetProperty("p99").GetInt64(), Is.GreaterThanOrEqualTo(latency.GetProperty("p50").GetInt64()));
            Assert.That(latency.TryGetProperty("p999", out _), Is.True);
            Assert.That(c.TryGetProperty("framesPerSecond", out _) && c.TryGetProperty("bytesPerSecond", out _), Is.True);
        }
        Assert.That(DemoNamespaces(dir.Path), Is.Empty, "the demo's shared memory is gone");
        Assert.That(demo.StandardError, Does.Contain("Summary"), "the human summary goes to stderr with --json");
    }

    [Test]
    public void Ctrl_C_mid_run_stops_the_children_and_still_cleans_up()
    {
        using var dir = new TempDirectory();
        using ChildProcess demo = ChildProcess.Start(Tp("demo", "--seconds", "120", "--shm-dir", dir.Path, "--bytes", "4096"));
        demo.WaitForLine("[", Timeout); // live progress has started: producer and consumers run
        Assert.That(DemoNamespaces(dir.Path), Has.Length.EqualTo(1));
        using (var kill = Process.Start("kill", ["-INT", demo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        Assert.That(demo.WaitForExit(Timeout), Is.EqualTo(130), demo.StandardOutput + demo.StandardError);
        Assert.That(demo.StandardOutput, Does.Contain("SIGINT"));
        Assert.That(DemoNamespaces(dir.Path), Is.Empty, "the demo's shared memory is gone after Ctrl-C");
    }

    [TestCase("--seconds", "0")]
    [TestCase("--frames", "-3")]
    [TestCase("--rate", "-1")]
    [TestCase("--consumers", "99")]
    [TestCase("--dtype", "float16")]
    [TestCase("--shape", "480x")]
    [TestCase("--bytes", "8")]
    [TestCase("--no-such-option", "1")]
    public void Bad_arguments_print_one_line_and_exit_2(string option, string value)
    {
        using ChildProcess demo = ChildProcess.Start(Tp("demo", option, value));
        Assert.That(demo.WaitForExit(Timeout), Is.EqualTo(2));
        Assert.That(demo.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1), demo.StandardError);
        Assert.That(demo.StandardOutput, Is.Empty);
    }

    [Test]
    public void Bytes_with_shape_is_refused()
    {
        using ChildProcess demo = ChildProcess.Start(Tp("demo", "--bytes", "64", "--shape", "4x4"));
        Assert.That(demo.WaitForExit(Timeout), Is.EqualTo(2));
        Assert.That(demo.StandardError, Does.Contain("--bytes cannot be combined"));
    }

    [Test]
    public void Produce_and_consume_run_as_separate_commands()
    {
        using var dir = new TempDirectory();
        string ns = "pc" + Environment.ProcessId;
        using ChildProcess consume = ChildProcess.Start(Tp("consume", "--stream", "10001", "--shm-dir", dir.Path, "--namespace", ns, "--report"));
        consume.WaitForLine("ready", Timeout);
        using ChildProcess produce = ChildProcess.Start(Tp("produce", "--stream", "10001", "--shm-dir", dir.Path, "--namespace", ns,
            "--frames", "500", "--bytes", "1000", "--rate", "2000", "--wait-consumers", "1", "--json"));
        Assert.That(produce.WaitForExit(Timeout), Is.Zero, produce.StandardError);
        using JsonDocument p = JsonDocument.Parse(produce.StandardOutput);
        Assert.That(p.RootElement.GetProperty("published").GetInt64(), Is.EqualTo(500));
        consume.WriteLine("stop 500");
        string result = consume.WaitForLine("result ", Timeout);
        Assert.That(consume.WaitForExit(Timeout), Is.Zero, consume.StandardError);
        using JsonDocument c = JsonDocument.Parse(result["result ".Length..]);
        JsonElement r = c.RootElement;
        Assert.That(r.GetProperty("corrupt").GetInt64(), Is.Zero);
        Assert.That(r.GetProperty("accepted").GetInt64() + r.GetProperty("dropsGap").GetInt64() + r.GetProperty("dropsLate").GetInt64() +
            r.GetProperty("dropsOther").GetInt64(), Is.EqualTo(500));
        Assert.That(Directory.GetFiles(dir.Path, "*.ring", SearchOption.AllDirectories), Is.Empty, "the producer removed its regions");
    }
}
