using System.Globalization;
using TensorPool.Processes;

namespace TensorPool.Bench;

/// <summary>
/// The latency floor: two processes bounce a counter through two cache lines of a shared page (no log, no copy).
/// One-way = RTT / 2, timed with the same clock as every other latency of the harnesses.
/// </summary>
public static unsafe class RawPingPong
{
    public const string Measure = "raw-pingpong";

    /// <summary>Run <paramref name="warmup"/> + <paramref name="roundTrips"/> round trips; the one-way latencies of the measured ones.</summary>
    public static LatencyRecorder Run(Session session, int warmup, int roundTrips)
    {
        (SharedPage page, string path) = session.NewPage();
        using (page)
        {
            long total = (long)warmup + roundTrips;
            using ChildProcess child = session.StartChild(Measure, path, total.ToString(CultureInfo.InvariantCulture));
            if (!SharedPage.SpinUntil(page.ReadyWord, 1, Session.ChildTimeout))
            {
                throw new TimeoutException("raw ping-pong child never became ready: " + child.Result(TimeSpan.FromSeconds(5)));
            }
            var rtt = new LatencyRecorder();
            for (long i = 1; i <= total; i++)
            {
                long start = Clock.NowNs();
                Volatile.Write(ref *page.PingWord, i);
                while (Volatile.Read(ref *page.PongWord) != i)
                {
                }
                long end = Clock.NowNs();
                if (i > warmup)
                {
                    rtt.Record(end - start);
                }
            }
            child.Result(Session.ChildTimeout);
            return rtt;
        }
    }

    /// <summary>The child side: <c>total</c>. Gives up (exit 1) when the parent sends nothing for 60 s (it died).</summary>
    public static int Child(SharedPage page, string[] args)
    {
        long total = long.Parse(args[0], CultureInfo.InvariantCulture);
        Volatile.Write(ref *page.ReadyWord, 1);
        for (long i = 1; i <= total; i++)
        {
            if (Volatile.Read(ref *page.PingWord) != i && !SharedPage.SpinUntil(page.PingWord, i, TimeSpan.FromSeconds(60)))
            {
                Console.Error.WriteLine($"raw ping-pong child: no ping {i} within 60 s");
                return 1;
            }
            Volatile.Write(ref *page.PongWord, i);
        }
        Console.WriteLine("result ok=1");
        return 0;
    }
}
