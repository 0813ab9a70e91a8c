using System.Globalization;
using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>
/// Real processes over real shared memory: a producer process and consumer processes (TestHost scenarios
/// <c>dp-produce</c> / <c>dp-consume</c>). Consumers verify every frame they accept (sequence and checksum in the
/// payload): zero corrupt frames accepted, and every published frame is accounted for.
/// </summary>
[NonParallelizable]
public class MultiProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private sealed class Run : IDisposable
    {
        public Run()
        {
            Dir = new TempDirectory();
            Namespace = "mp" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        }

        public TempDirectory Dir { get; }

        public string Namespace { get; }

        public List<ChildProcess> Children { get; } = [];

        public ChildProcess Consumer(double readDelayUs = 0)
        {
            ChildProcess c = ChildProcess.StartScenario("dp-consume", Dir.Path, Namespace, "10000", readDelayUs.ToString(CultureInfo.InvariantCulture));
            Children.Add(c);
            c.WaitForLine("ready", Timeout);
            return c;
        }

        public ChildProcess Producer(long frames, string sizes, int slots, int consumers, int burst = 1, int pauseMs = 0)
        {
            ChildProcess p = ChildProcess.StartScenario("dp-produce", Dir.Path, Namespace, "10000", frames.ToString(CultureInfo.InvariantCulture),
                sizes, slots.ToString(CultureInfo.InvariantCulture), consumers.ToString(CultureInfo.InvariantCulture),
                burst.ToString(CultureInfo.InvariantCulture), pauseMs.ToString(CultureInfo.InvariantCulture));
            Children.Add(p);
            return p;
        }

        /// <summary>Wait for the producer's <c>done</c> line: (published, epoch).</summary>
        public static (long Published, ulong Epoch) Done(ChildProcess producer)
        {
            string[] done = producer.WaitForLine("done ", Timeout).Split(' ');
            return (long.Parse(done[1], CultureInfo.InvariantCulture), ulong.Parse(done[2], CultureInfo.InvariantCulture));
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

    private static long L(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? -1 : e.GetProperty(name).GetInt64();

    /// <summary>accepted + every drop = the sequences from the first received to the last, and the frames before and after them were never received (gaps).</summary>
    private static void AssertAccounted(JsonElement r, long published)
    {
        long accounted = L(r, "accepted") + L(r, "drops_gap") + L(r, "drops_late") + L(r, "drops_resync") + L(r, "drops_epoch") +
            L(r, "drops_unmapped") + L(r, "drops_invalid") + L(r, "drops_regressed");
        long first = L(r, "first_seq");
        long last = L(r, "last_seq");
        Assert.That(first, Is.GreaterThanOrEqualTo(0), "the consumer received descriptors");
        long unseen = first + (published - 1 - last);
        Assert.That(accounted + unseen, Is.EqualTo(published), r.ToString());
    }

    [Test]
    public void One_producer_three_consumers_a_million_mixed_frames_zero_corrupt_all_accounted()
    {
        const long frames = 1_000_000;
        using var run = new Run();
        ChildProcess[] consumers = [run.Consumer(), run.Consumer(), run.Consumer()];
        // 4096 slots of 256/1024/4096-byte pools; bursts of 500 with 2 ms pauses (≤ 250 k frames/s): drops rare, possible.
        ChildProcess producer = run.Producer(frames, "mixed", slots: 4096, consumers: 3, burst: 500, pauseMs: 2);
        (long published, _) = Run.Done(producer);
        Assert.That(published, Is.EqualTo(frames));
        foreach (ChildProcess c in consumers)
        {
            JsonElement r = Run.Result(c);
            TestContext.Out.WriteLine(r.ToString());
            Assert.That(L(r, "corrupt"), Is.Zero, "no corrupt frame is ever accepted");
            Assert.That(L(r, "verified"), Is.EqualTo(L(r, "accepted")));
            Assert.That(L(r, "accepted"), Is.GreaterThan(0));
            Assert.That(L(r, "drops_unmapped"), Is.Zero, "the producer started once every consumer had mapped its epoch");
            AssertAccounted(r, published);
        }
        Run.Stop(producer);
    }

    [Test]
    public void Tiny_ring_overwritten_at_full_speed_under_slow_readers_drops_late_and_never_accepts_a_torn_frame_15_13()
    {
        using var run = new Run();
        // Readers take ~4 x 25 µs per frame; the producer fills an 8-slot ring in bursts of 64 at full speed.
        ChildProcess[] consumers = [run.Consumer(readDelayUs: 25), run.Consumer(readDelayUs: 25)];
        ChildProcess producer = run.Producer(200_000, "4096", slots: 8, consumers: 2, burst: 64, pauseMs: 1);
        (long published, _) = Run.Done(producer);
        foreach (ChildProcess c in consumers)
        {
            JsonElement r = Run.Result(c);
            TestContext.Out.WriteLine(r.ToString());
            Assert.That(L(r, "corrupt"), Is.Zero, "a torn frame was accepted");
            Assert.That(L(r, "drops_late"), Is.GreaterThan(1000), "the producer lapped the readers mid-read");
            Assert.That(L(r, "accepted"), Is.GreaterThan(0), "frames read between bursts are accepted");
            AssertAccounted(r, published);
        }
        Run.Stop(producer);
    }

    [Test]
    public void Restarted_producer_gets_a_new_epoch_consumers_remap_and_never_accept_the_old_one_after_15_2()
    {
        using var run = new Run();
        ChildProcess[] consumers = [run.Consumer(), run.Consumer()];
        ChildProcess first = run.Producer(20_000, "mixed", slots: 1024, consumers: 2, burst: 200, pauseMs: 1);
        (_, ulong epoch1) = Run.Done(first);
        Run.Stop(first); // a clean exit: its epoch directory is removed

        ChildProcess second = run.Producer(20_000, "mixed", slots: 1024, consumers: 2, burst: 200, pauseMs: 1);
        (long published2, ulong epoch2) = Run.Done(second);
        Assert.That(epoch2, Is.GreaterThan(epoch1));
        foreach (ChildProcess c in consumers)
        {
            JsonElement r = Run.Result(c);
            TestContext.Out.WriteLine(r.ToString());
            Assert.That(L(r, "corrupt"), Is.Zero);
            Assert.That(L(r, "old_epoch_after_new"), Is.Zero, "an old-epoch frame was accepted after the switch");
            Assert.That(L(r, "epochs_accepted"), Is.EqualTo(2));
            Assert.That(L(r, "mappings"), Is.GreaterThanOrEqualTo(2), "remapped for the new epoch");
            Assert.That(L(r, "accepted_last_epoch"), Is.GreaterThan(0));
            Assert.That(L(r, "last_seq"), Is.LessThan(published2), "sequences restart at 0 in the new epoch");
        }
        Run.Stop(second);
        string[] leftovers = Directory.GetFiles(run.Dir.Path, "*.ring", SearchOption.AllDirectories);
        Assert.That(leftovers, Is.Empty, "both producers removed their epoch directories");
    }
}
