using System.Buffers.Binary;
using System.Globalization;
using TensorPool.Processes;
using TensorPool.Transport;

namespace TensorPool.Bench.Latency;

/// <summary>
/// tp:ipc one-way latency at a fixed rate: the parent sends 64-byte messages at their intended times (t0 + i/rate),
/// stamping each with its intended time, and the busy-spinning child records arrival − intended. A late send is
/// charged to the message, so stalls are not hidden (no coordinated omission).
/// </summary>
internal static class IpcOneWay
{
    public static string Run(Session session, int messages, int rate)
    {
        (SharedPage page, string path) = session.NewPage();
        using (page)
        using (TpIpcTransport transport = IpcStreams.Open(session.Directory))
        using (TpIpcPublication publication = transport.AddPublication(IpcStreams.Channel, IpcStreams.OneWayStream))
        {
            int total = Settings.Warmup + messages;
            using ChildProcess child = session.StartChild("ipc-oneway", path, total.ToString(CultureInfo.InvariantCulture));
            unsafe
            {
                if (!SharedPage.SpinUntil(page.ReadyWord, 1, Session.ChildTimeout))
                {
                    throw new TimeoutException("ipc one-way child never became ready: " + child.Result(TimeSpan.FromSeconds(5)));
                }
            }
            Span<byte> message = stackalloc byte[Settings.MessageLength];
            long allocated = FixedRate.Send(total, rate, message, m => publication.Offer(m));
            string result = child.Result(Session.ChildTimeout);
            return $"{result} sender-alloc-bytes={allocated}";
        }
    }

    public static int Child(string directory, SharedPage page, string[] args)
    {
        int total = int.Parse(args[0], CultureInfo.InvariantCulture);
        using TpIpcTransport transport = IpcStreams.Open(directory);
        using TpIpcSubscription subscription = transport.AddSubscription(IpcStreams.Channel, IpcStreams.OneWayStream);
        var recorder = new RecordingHandler(new LatencyRecorder());
        unsafe
        {
            Volatile.Write(ref *page.ReadyWord, 1);
        }
        long allocatedBefore = 0;
        long lost = 0;
        for (long polls = 0; recorder.Received + lost < total; polls++)
        {
            if (allocatedBefore == 0 && recorder.Received >= Settings.Warmup)
            {
                allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            }
            if (subscription.Poll(ref recorder, 16) == 0 && (polls & 1023) == 0)
            {
                lost = subscription.Counters.LostMessages;
            }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Console.WriteLine($"result {recorder.Recorder.Summary()} lost={subscription.Counters.LostMessages} receiver-alloc-bytes={allocated}");
        return 0;
    }

    private struct RecordingHandler(LatencyRecorder recorder) : IMessageHandler
    {
        public long Received;

        public readonly LatencyRecorder Recorder => recorder;

        public void OnMessage(ReadOnlySpan<byte> message)
        {
            long now = Clock.NowNs();
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(message[8..]);
            if (sequence >= Settings.Warmup)
            {
                recorder.Record(now - BinaryPrimitives.ReadInt64LittleEndian(message));
            }
            Received++;
        }
    }
}
