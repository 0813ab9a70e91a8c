using System.Globalization;
using TensorPool.Processes;

namespace TensorPool.Bench;

/// <summary>
/// The floor of a fixed-rate one-way stream: the same schedule as the transport's (message i due at t0 + i/rate), but
/// the "message" is a sequence number stored in one cache line of a shared page, and the child spinning on it charges
/// every message up to the one it sees with arrival − due time (the schedule is known, so a skipped value is not
/// lost, it is late). What it records is the machine: cross-core transfer plus every moment either side was off its CPU.
/// </summary>
public static unsafe class RawOneWay
{
    public const string Measure = "raw-oneway";

    /// <summary>Send <paramref name="total"/> values at <paramref name="rate"/> per second; the child's result line.</summary>
    public static string Run(Session session, int total, int rate, int warmup)
    {
        (SharedPage page, string path) = session.NewPage();
        using (page)
        {
            double intervalNs = 1e9 / rate;
            long t0 = Clock.NowNs() + 200_000_000; // time for the child to start and spin
            using ChildProcess child = session.StartChild(Measure, path, total.ToString(CultureInfo.InvariantCulture),
                rate.ToString(CultureInfo.InvariantCulture), t0.ToString(CultureInfo.InvariantCulture),
                warmup.ToString(CultureInfo.InvariantCulture));
            if (!SharedPage.SpinUntil(page.ReadyWord, 1, Session.ChildTimeout))
            {
                throw new TimeoutException("raw one-way child never became ready: " + child.Result(TimeSpan.FromSeconds(5)));
            }
            for (long i = 1; i <= total; i++)
            {
                Clock.SpinUntil(t0 + (long)((i - 1) * intervalNs));
                Volatile.Write(ref *page.PingWord, i);
            }
            return child.Result(Session.ChildTimeout);
        }
    }

    /// <summary>The child side: <c>total rate t0 warmup</c>; prints <c>result p50=… … n=…</c>.</summary>
    public static int Child(SharedPage page, string[] args)
    {
        long total = long.Parse(args[0], CultureInfo.InvariantCulture);
        double intervalNs = 1e9 / int.Parse(args[1], CultureInfo.InvariantCulture);
        long t0 = long.Parse(args[2], CultureInfo.InvariantCulture);
        long warmup = long.Parse(args[3], CultureInfo.InvariantCulture);
        var latency = new LatencyRecorder();
        Volatile.Write(ref *page.ReadyWord, 1);
        long seen = 0;
        while (seen < total)
        {
            long value = Volatile.Read(ref *page.PingWord);
            if (value == seen)
            {
                continue;
            }
            long now = Clock.NowNs();
            for (long i = seen + 1; i <= value; i++)
            {
                if (i > warmup)
                {
                    latency.Record(now - (t0 + (long)((i - 1) * intervalNs)));
                }
            }
            seen = value;
        }
        Console.WriteLine($"result {latency.Summary()}");
        return 0;
    }
}
