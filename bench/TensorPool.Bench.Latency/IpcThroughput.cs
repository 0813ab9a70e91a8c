using System.Globalization;
using TensorPool.Processes;
using TensorPool.Transport;

namespace TensorPool.Bench.Latency;

/// <summary>
/// tp:ipc throughput of one publisher to one busy-polling subscriber in another process, 64-byte messages.
/// Flat out: the publisher offers as fast as it can (the log never waits, so a subscriber that cannot keep up counts
/// its loss). Paced: the publisher holds itself within half a ring of the subscriber's position (published by the
/// subscriber in the shared page): the lossless rate the pair sustains. With an idle spin the subscriber pauses that
/// many <see cref="Thread.SpinWait"/> iterations when a poll finds nothing, so it reads in batches instead of pulling
/// each record's cache line while the publisher is still writing it (a throughput-for-latency trade).
/// </summary>
internal static unsafe class IpcThroughput
{
    public static string Run(Session session, int messages, bool paced, int idleSpin)
    {
        (SharedPage page, string path) = session.NewPage();
        using (page)
        using (TpIpcTransport transport = IpcStreams.Open(session.Directory))
        using (TpIpcPublication publication = transport.AddPublication(IpcStreams.Channel, IpcStreams.ThroughputStream))
        {
            using ChildProcess child = session.StartChild("ipc-throughput", path, messages.ToString(CultureInfo.InvariantCulture),
                idleSpin.ToString(CultureInfo.InvariantCulture));
            if (!SharedPage.SpinUntil(page.ReadyWord, 1, Session.ChildTimeout))
            {
                throw new TimeoutException("throughput child never became ready: " + child.Result(TimeSpan.FromSeconds(5)));
            }
            Span<byte> message = stackalloc byte[Settings.MessageLength];
            long window = Settings.LogCapacity / 2;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Clock.NowNs();
            for (int i = 0; i < messages; i++)
            {
                if (paced && (i & 63) == 0)
                {
                    long position = publication.Position;
                    while (position - Volatile.Read(ref *page.ProgressWord) > window)
                    {
                    }
                }
                while (publication.Offer(message) < 0)
                {
                }
            }
            long elapsed = Clock.NowNs() - start;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            string result = child.Result(Session.ChildTimeout);
            long received = ResultLine.Field(result, "received");
            long receiveNs = ResultLine.Field(result, "ns");
            return string.Create(CultureInfo.InvariantCulture,
                $"offered={messages / (elapsed / 1e9) / 1e6:F2}M/s received={received / (receiveNs / 1e9) / 1e6:F2}M/s " +
                $"lost={ResultLine.Field(result, "lost")} of {messages} publisher-alloc-bytes={allocated} subscriber-alloc-bytes={ResultLine.Field(result, "alloc")}");
        }
    }

    public static int Child(string directory, SharedPage page, string[] args)
    {
        long total = long.Parse(args[0], CultureInfo.InvariantCulture);
        using TpIpcTransport transport = IpcStreams.Open(directory);
        using TpIpcSubscription subscription = transport.AddSubscription(IpcStreams.Channel, IpcStreams.ThroughputStream);
        Volatile.Write(ref *page.ProgressWord, subscription.Position);
        Volatile.Write(ref *page.ReadyWord, 1);
        var counter = new CountingHandler();
        int idleSpin = int.Parse(args[1], CultureInfo.InvariantCulture);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long first = 0;
        long last = 0;
        long lost = 0;
        for (long polls = 0; counter.Count + lost < total; polls++)
        {
            int n = subscription.Poll(ref counter, 256);
            if (n > 0)
            {
                if (first == 0)
                {
                    first = Clock.NowNs();
                }
                Volatile.Write(ref *page.ProgressWord, subscription.Position);
            }
            else
            {
                if (idleSpin > 0)
                {
                    Thread.SpinWait(idleSpin);
                }
                if ((polls & 255) == 0)
                {
                    lost = subscription.Counters.LostMessages;
                }
            }
        }
        last = Clock.NowNs();
        long elapsed = last - first;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        SubscriptionCounters c = subscription.Counters;
        Console.WriteLine($"result received={c.Received} lost={c.LostMessages} ns={elapsed} alloc={allocated}");
        return 0;
    }
}
