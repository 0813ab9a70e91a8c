using System.Buffers.Binary;
using TensorPool.Processes;
using TensorPool.Transport;

namespace TensorPool.Bench.Latency;

/// <summary>
/// tp:ipc round trips: the parent offers a 64-byte message on one stream, the child echoes it on another, both
/// busy-polling. One-way = RTT / 2, comparable with <see cref="RawPingPong"/>.
/// </summary>
internal static class IpcPingPong
{
    public static string Run(Session session, int roundTrips)
    {
        (SharedPage page, string path) = session.NewPage();
        using (page)
        using (TpIpcTransport transport = IpcStreams.Open(session.Directory))
        using (TpIpcSubscription pong = transport.AddSubscription(IpcStreams.Channel, IpcStreams.PongStream))
        using (TpIpcPublication ping = transport.AddPublication(IpcStreams.Channel, IpcStreams.PingStream))
        {
            int total = Settings.Warmup + roundTrips;
            using ChildProcess child = session.StartChild("ipc-pingpong", path, total.ToString(System.Globalization.CultureInfo.InvariantCulture));
            unsafe
            {
                if (!SharedPage.SpinUntil(page.ReadyWord, 1, Session.ChildTimeout))
                {
                    throw new TimeoutException("ipc ping-pong child never became ready: " + child.Result(TimeSpan.FromSeconds(5)));
                }
            }
            var oneWay = new LatencyRecorder();
            Span<byte> message = stackalloc byte[Settings.MessageLength];
            var counter = new CountingHandler();
            long allocatedBefore = 0;
            for (int i = 0; i < total; i++)
            {
                if (i == Settings.Warmup)
                {
                    allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                }
                BinaryPrimitives.WriteInt64LittleEndian(message, i);
                long start = Clock.NowNs();
                while (ping.Offer(message) < 0)
                {
                }
                counter.Count = 0;
                while (pong.Poll(ref counter, 1) == 0)
                {
                }
                long rtt = Clock.NowNs() - start;
                if (i >= Settings.Warmup)
                {
                    oneWay.Record(rtt / 2);
                }
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            string childResult = child.Result(Session.ChildTimeout);
            return $"{oneWay.Summary()} parent-alloc-bytes={allocated} child-alloc-bytes={ResultLine.Field(childResult, "alloc")} lost={pong.Counters.LostMessages + ResultLine.Field(childResult, "lost")}";
        }
    }

    public static int Child(string directory, SharedPage page, string[] args)
    {
        int total = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        using TpIpcTransport transport = IpcStreams.Open(directory);
        using TpIpcSubscription ping = transport.AddSubscription(IpcStreams.Channel, IpcStreams.PingStream);
        using TpIpcPublication pong = transport.AddPublication(IpcStreams.Channel, IpcStreams.PongStream);
        var echo = new EchoHandler(pong);
        unsafe
        {
            Volatile.Write(ref *page.ReadyWord, 1);
        }
        long allocatedBefore = 0;
        while (echo.Count < total)
        {
            if (echo.Count == Settings.Warmup && allocatedBefore == 0)
            {
                allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            }
            ping.Poll(ref echo, 1);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Console.WriteLine($"result alloc={allocated} lost={ping.Counters.LostMessages}");
        return 0;
    }

    private struct EchoHandler(TpIpcPublication publication) : IMessageHandler
    {
        public int Count;

        public void OnMessage(ReadOnlySpan<byte> message)
        {
            while (publication.Offer(message) < 0)
            {
            }
            Count++;
        }
    }
}
