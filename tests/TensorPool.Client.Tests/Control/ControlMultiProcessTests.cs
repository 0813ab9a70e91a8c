using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TensorPool.Client.Tests.DataPath;
using TensorPool.Control;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.Control;

/// <summary>
/// Consumer control between real processes over real tp:ipc and shared memory (TestHost scenarios <c>ctl-*</c>,
/// tests/TensorPool.TestHost/Scenarios/ControlScenarios.cs). Counts only; no timing assertions beyond counts over the
/// producer's measured publishing interval.
/// </summary>
[NonParallelizable]
public class ControlMultiProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private sealed class Run : IDisposable
    {
        private readonly Dictionary<ChildProcess, int> _statuses = [];

        public TempDirectory Dir { get; } = new();

        public string Namespace { get; } = "ctl" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        public List<ChildProcess> Children { get; } = [];

        public ChildProcess Start(string scenario, bool waitReady, params object[] args)
        {
            ChildProcess c = ChildProcess.StartScenario(scenario,
                [Dir.Path, Namespace, .. args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture)!)]);
            Children.Add(c);
            if (waitReady)
            {
                c.WaitForLine("ready", Timeout);
            }
            return c;
        }

        /// <summary>Ask a scenario for its status line (numbered: each call sees a new one).</summary>
        public JsonElement Status(ChildProcess c)
        {
            int n = _statuses.GetValueOrDefault(c) + 1;
            _statuses[c] = n;
            c.WriteLine("status");
            string line = c.WaitForLine(FormattableString.Invariant($"status {n} "), Timeout);
            return JsonDocument.Parse(line[$"status {n} ".Length..]).RootElement.Clone();
        }

        /// <summary>Poll a status until <paramref name="done"/> holds (bounded: a minute of polls).</summary>
        public JsonElement StatusUntil(ChildProcess c, Func<JsonElement, bool> done, string what)
        {
            var clock = Stopwatch.StartNew();
            JsonElement s = Status(c);
            while (!done(s))
            {
                Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMinutes(1)), $"{what}; last status {s}");
                Thread.Sleep(100);
                s = Status(c);
            }
            return s;
        }

        public static JsonElement Result(ChildProcess child) => ScenarioLines.Result(child, Timeout);

        public static void Stop(ChildProcess child) => ScenarioLines.Stop(child, Timeout);

        public void Dispose()
        {
            foreach (ChildProcess c in Children)
            {
                c.Dispose();
            }
            Dir.Dispose();
        }
    }

    private static void Signal(ChildProcess c, string signal)
    {
        using var kill = Process.Start("kill", [signal, c.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, $"kill {signal}");
    }

    private static long L(JsonElement e, string name) => e.GetProperty(name).GetInt64();

    [Test]
    public void Rate_limited_consumer_on_a_per_consumer_stream_gets_at_most_max_rate_while_a_stream_consumer_gets_everything_5_10_1_2()
    {
        const int maxRate = 20;
        using var run = new Run();
        ChildProcess stream = run.Start("ctl-consume", true, 10010, "stream", 0, 0, 0);
        ChildProcess limited = run.Start("ctl-consume", true, 10010, "rate-limited", maxRate, 31010, 0);
        // 400 frames at 200 Hz (about 2 s) into 1024 slots: the STREAM consumer has no reason to drop any.
        ChildProcess producer = run.Start("ctl-produce", false, 10010, 400, 200, 16, 256, 0, 2, 1024);
        string[] done = producer.WaitForLine("done ", Timeout).Split(' ');
        long published = long.Parse(done[1], CultureInfo.InvariantCulture);
        double seconds = double.Parse(done[2], CultureInfo.InvariantCulture);
        Assert.That(published, Is.EqualTo(400));
        JsonElement status = run.Status(producer);
        Assert.That(L(status, "per_consumer_streams_open"), Is.EqualTo(1), status.ToString());
        Assert.That(L(status, "descriptors_rate_limited"), Is.GreaterThan(0), "the producer capped the per-consumer stream (§5)");

        JsonElement s = Run.Result(stream);
        JsonElement r = Run.Result(limited);
        TestContext.Out.WriteLine($"published {published} in {seconds} s; stream {s}; limited {r}");
        Assert.That(L(s, "corrupt") + L(r, "corrupt"), Is.Zero);
        Assert.That(L(s, "accepted"), Is.EqualTo(published), "STREAM: every frame (max_rate_hz is ignored on the shared stream)");
        Assert.That(r.GetProperty("per_consumer_stream").GetBoolean(), Is.True, "the request was granted and the consumer switched");
        Assert.That(L(r, "accepted"), Is.GreaterThan(0));
        // At most max_rate_hz over the producer's publishing interval, plus a second of slack for where delivery fell.
        Assert.That(L(r, "accepted"), Is.LessThanOrEqualTo((long)Math.Ceiling(maxRate * (seconds + 1)) + 2), r.ToString());
        Run.Stop(producer);
    }

    [Test]
    public void A_consumer_that_stops_sending_hellos_has_its_per_consumer_publication_closed_and_reopened_when_it_resumes_5_10_1_2()
    {
        using var run = new Run();
        ChildProcess consumer = run.Start("ctl-consume", true, 10011, "stream", 0, 31011, 0);
        ChildProcess producer = run.Start("ctl-produce", false, 10011, 0, 0, 16, 256, 0, 1, 64);
        producer.WaitForLine("done ", Timeout);
        run.StatusUntil(producer, s => L(s, "per_consumer_streams_open") == 1, "the per-consumer stream is opened on the hello");

        Signal(consumer, "-STOP"); // no more hellos nor QoS from it (the process is frozen, its mappings stay)
        try
        {
            JsonElement closed = run.StatusUntil(producer, s => L(s, "per_consumer_streams_open") == 0,
                "the stale consumer's per-consumer publication is closed (§5)");
            Assert.That(L(closed, "consumers_timed_out"), Is.GreaterThanOrEqualTo(1));
            Assert.That(L(closed, "consumers_tracked"), Is.Zero);
        }
        finally
        {
            Signal(consumer, "-CONT");
        }
        run.StatusUntil(producer, s => L(s, "per_consumer_streams_open") == 1, "a consumer that says hello again gets its stream back");
        JsonElement r = Run.Result(consumer);
        Assert.That(L(r, "configs_received"), Is.GreaterThanOrEqualTo(2), r.ToString());
        Run.Stop(producer);
    }

    [Test]
    public void Progress_of_16_MiB_frames_written_in_row_blocks_arrives_monotonic_and_throttled_10_2_2()
    {
        const int frames = 12;
        const int blocks = 256; // 64 KiB each: ReportProgress is called 256 times a frame
        using var run = new Run();
        // The consumer hints progress_bytes_delta = 1 MiB: at most STARTED + 16 PROGRESS + COMPLETE a frame.
        ChildProcess consumer = run.Start("ctl-consume", true, 10012, "stream", 0, 0, 1 << 20);
        ChildProcess producer = run.Start("ctl-produce", false, 10012, frames, 10, 4096, 4096, blocks, 1, 4);
        string[] done = producer.WaitForLine("done ", Timeout).Split(' ');
        Assert.That(long.Parse(done[1], CultureInfo.InvariantCulture), Is.EqualTo(frames));
        JsonElement status = run.Status(producer);
        JsonElement r = Run.Result(consumer);
        TestContext.Out.WriteLine($"producer {status}; consumer {r}");
        Assert.That(L(r, "corrupt"), Is.Zero);
        Assert.That(L(r, "progress_frames"), Is.GreaterThan(0));
        Assert.That(L(r, "progress_started"), Is.GreaterThan(0));
        Assert.That(L(r, "progress_complete"), Is.GreaterThan(0));
        Assert.That(L(r, "progress_regressions"), Is.Zero, "payload_bytes_filled only grows within a frame");
        Assert.That(L(r, "progress_prefix_mismatch"), Is.Zero, "the reported prefix is the frame's own bytes");
        Assert.That(L(r, "progress_dropped"), Is.Zero, "every message passed the consumer's rules");
        Assert.That(L(r, "progress_max_per_frame"), Is.InRange(2, 18), "throttled by the consumer's 1 MiB hint, not one per block");
        Assert.That(L(status, "progress_sent"), Is.LessThanOrEqualTo(18L * frames));
        Run.Stop(producer);
    }

    [Test]
    public void A_1_MiB_meta_blob_arrives_intact_and_blobs_with_a_dropped_chunk_or_bad_checksum_are_discarded_10_3_3_15_9()
    {
        const int length = 1 << 20;
        using var run = new Run();
        ChildProcess consumer = run.Start("ctl-blob-consume", true, 10013);
        ChildProcess producer = run.Start("ctl-blob-produce", false, 10013, length);
        uint crc = uint.Parse(producer.WaitForLine("sent ", Timeout)["sent ".Length..], CultureInfo.InvariantCulture);
        JsonElement s = run.StatusUntil(consumer, e => L(e, "completed") >= 1 &&
            L(e.GetProperty("discards"), nameof(MetaBlobDiscard.Gap)) >= 1 &&
            L(e.GetProperty("discards"), nameof(MetaBlobDiscard.ChecksumMismatch)) >= 1, "the three blobs were received");
        JsonElement blobs = s.GetProperty("blobs");
        Assert.That(blobs.TryGetProperty("1", out JsonElement intact), Is.True, s.ToString());
        Assert.That(L(intact, "length"), Is.EqualTo(length));
        Assert.That(intact.GetProperty("crc32c").GetUInt32(), Is.EqualTo(crc), "every byte, in order");
        Assert.That(intact.GetProperty("checksum_verified").GetBoolean(), Is.True);
        Assert.That(blobs.TryGetProperty("2", out _), Is.False, "a blob with a missing chunk is discarded (§15.9)");
        Assert.That(blobs.TryGetProperty("3", out _), Is.False, "a blob whose CRC-32C does not match is discarded (§15.9)");
        Assert.That(L(s, "completed"), Is.EqualTo(1));
        Run.Result(consumer);
        Run.Stop(producer);
    }
}
