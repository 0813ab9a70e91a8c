using TensorPool.Bench.Matrix;
using TensorPool.Bench.Paced;
using TensorPool.Testing;

namespace TensorPool.Bench.Tests;

/// <summary>
/// The futex floor's waiter times every wake the word counted, as a consumer times every frame (D253): wakes that came
/// together in one return are all timed, each from its own send time, and the latest alone is kept apart.
/// </summary>
[TestFixture]
public sealed unsafe class FutexFloorWaiterTests
{
    [Test]
    public void Wakes_that_came_together_are_each_timed_from_their_own_send_time()
    {
        using var dir = new TempDirectory();
        using var page = new SharedPage(Path.Combine(dir.Path, "page"), create: true);
        StopLine stop = StopLine.Manual();
        var output = new StringWriter();
        int exit = -1;
        var waiter = new Thread(() => exit = FutexWakeChild.Waiter(page, 0, false, stop, output)) { IsBackground = true };
        waiter.Start();
        Assert.That(SharedPage.SpinUntil(page.ReadyWord, 1, TimeSpan.FromSeconds(30)), Is.True, "the waiter is ready");

        // Five wakes sent while the waiter was away: send times 5, 4, 3, 2 and 1 ms ago, the word bumped once to 5.
        long now = Clock.NowNs();
        for (int seq = 1; seq <= 5; seq++)
        {
            Volatile.Write(ref *page.FutexStamp(seq), now - ((6 - seq) * 1_000_000L));
        }
        Volatile.Write(ref *page.FutexWord, 5);
        Futex.WakeAll(page.FutexWord);
        Assert.That(SharedPage.SpinUntil(page.ConsumerWord(0), 5, TimeSpan.FromSeconds(30)), Is.True, "the waiter saw wake 5");
        stop.Set();
        Futex.WakeAll(page.FutexWord);
        Assert.That(waiter.Join(TimeSpan.FromSeconds(30)), Is.True, "the waiter stops");

        string result = output.ToString().Split('\n').Single(l => l.StartsWith("result ", StringComparison.Ordinal)).Trim();
        Assert.That(exit, Is.Zero);
        Assert.That(ResultLine.Field(result, "timed"), Is.EqualTo(5), "every wake is timed, not only the latest");
        Assert.That(ResultLine.Field(result, "together"), Is.EqualTo(4));
        Assert.That(ResultLine.Field(result, "drops"), Is.Zero, "no send time was overwritten");
        Percentiles all = LatencyRecorder.Decode(ResultLine.Text(result, "hist")).Percentiles();
        Assert.That(all.Max, Is.GreaterThanOrEqualTo(5_000_000), "the earliest wake waited 5 ms");
        Percentiles latest = LatencyRecorder.Decode(ResultLine.Text(result, "wakehist")).Percentiles();
        Assert.That(latest.Count, Is.EqualTo(1));
        Assert.That(latest.Max, Is.LessThan(5_000_000).And.GreaterThanOrEqualTo(1_000_000), "the latest alone: sent 1 ms ago");
    }
}
