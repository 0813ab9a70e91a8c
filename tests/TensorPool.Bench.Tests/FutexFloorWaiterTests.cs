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
        // Five wakes sent while the waiter was away: send times 5, 4, 3, 2 and 1 ms ago, the word bumped once to 5.
        string result = OneReturn(5);

        Assert.That(ResultLine.Field(result, "timed"), Is.EqualTo(5), "every wake is timed, not only the latest");
        Assert.That(ResultLine.Field(result, "together"), Is.EqualTo(4));
        Assert.That(ResultLine.Field(result, "drops"), Is.Zero, "no send time was overwritten");
        Percentiles all = LatencyRecorder.Decode(ResultLine.Text(result, "hist")).Percentiles();
        Assert.That(all.Max, Is.GreaterThanOrEqualTo(5_000_000), "the earliest wake waited 5 ms");
        Percentiles latest = LatencyRecorder.Decode(ResultLine.Text(result, "wakehist")).Percentiles();
        Assert.That(latest.Count, Is.EqualTo(1));
        Assert.That(latest.Max, Is.LessThan(5_000_000).And.GreaterThanOrEqualTo(1_000_000), "the latest alone: sent 1 ms ago");
    }

    [Test]
    public void A_wake_whose_send_time_the_waker_has_reused_is_missed_not_timed()
    {
        // More wakes in one return than the page keeps send times for: the oldest five slots were written over.
        int wakes = SharedPage.FutexStampCount + 5;
        string result = OneReturn(wakes);

        Assert.That(ResultLine.Field(result, "drops"), Is.EqualTo(5), "the five whose times are gone");
        Assert.That(ResultLine.Field(result, "timed"), Is.EqualTo(SharedPage.FutexStampCount));
        Assert.That(ResultLine.Field(result, "together"), Is.EqualTo(wakes - 1));
    }

    /// <summary>
    /// Run the waiter (no warm-up), send <paramref name="wakes"/> wakes while it sleeps, with the send time of wake k
    /// (wakes + 1 − k) ms ago as the waker writes it into its ring, then one FUTEX_WAKE; its result line once it stops.
    /// </summary>
    private static string OneReturn(int wakes)
    {
        using var dir = new TempDirectory();
        using var page = new SharedPage(Path.Combine(dir.Path, "page"), create: true);
        StopLine stop = StopLine.Manual();
        var output = new StringWriter();
        int exit = -1;
        var waiter = new Thread(() => exit = FutexWakeChild.Waiter(page, 0, false, stop, output)) { IsBackground = true };
        waiter.Start();
        Assert.That(SharedPage.SpinUntil(page.ReadyWord, 1, TimeSpan.FromSeconds(30)), Is.True, "the waiter is ready");

        long now = Clock.NowNs();
        for (int seq = 1; seq <= wakes; seq++)
        {
            Volatile.Write(ref *page.FutexStamp(seq), now - ((wakes + 1 - seq) * 1_000_000L));
        }
        Volatile.Write(ref *page.FutexWord, wakes);
        Futex.WakeAll(page.FutexWord);
        Assert.That(SharedPage.SpinUntil(page.ConsumerWord(0), wakes, TimeSpan.FromSeconds(30)), Is.True, "the waiter saw the last wake");
        stop.Set();
        Futex.WakeAll(page.FutexWord);
        Assert.That(waiter.Join(TimeSpan.FromSeconds(30)), Is.True, "the waiter stops");
        Assert.That(exit, Is.Zero);
        return output.ToString().Split('\n').Single(l => l.StartsWith("result ", StringComparison.Ordinal)).Trim();
    }
}
