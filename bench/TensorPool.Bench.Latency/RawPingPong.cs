namespace TensorPool.Bench.Latency;

/// <summary>
/// The latency floor: two processes bounce a counter through two cache lines of a shared page (no log, no copy).
/// One-way = RTT / 2, timed the same way as the tp:ipc ping-pong.
/// </summary>
internal static unsafe class RawPingPong
{
    public static string Run(Session session, int roundTrips)
    {
        (SharedPage page, string path) = session.NewPage();
        using (page)
        {
            int total = Settings.Warmup + roundTrips;
            using ChildProcess child = session.StartChild("raw-pingpong", path, total.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!SharedPage.SpinUntil(page.ReadyWord, 1, Session.ChildTimeout))
            {
                throw new TimeoutException("raw ping-pong child never became ready: " + child.Result(TimeSpan.FromSeconds(5)));
            }
            var oneWay = new LatencyRecorder();
            for (long i = 1; i <= total; i++)
            {
                long start = Clock.NowNs();
                Volatile.Write(ref *page.PingWord, i);
                while (Volatile.Read(ref *page.PongWord) != i)
                {
                }
                long rtt = Clock.NowNs() - start;
                if (i > Settings.Warmup)
                {
                    oneWay.Record(rtt / 2);
                }
            }
            child.Result(Session.ChildTimeout);
            return oneWay.Summary();
        }
    }

    public static int Child(SharedPage page, string[] args)
    {
        long total = long.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        Volatile.Write(ref *page.ReadyWord, 1);
        for (long i = 1; i <= total; i++)
        {
            while (Volatile.Read(ref *page.PingWord) != i)
            {
            }
            Volatile.Write(ref *page.PongWord, i);
        }
        Console.WriteLine("result ok=1");
        return 0;
    }
}
