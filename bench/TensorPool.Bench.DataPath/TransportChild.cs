using System.Globalization;
using HdrHistogram;
using TensorPool.Transport;

namespace TensorPool.Bench.DataPath;

/// <summary>
/// The same-run baseline of the latency measure: the transport alone. A busy-spinning subscriber records, for each
/// 48-byte message (a FrameDescriptor's size), now − the send time stamped in it. <c>child-transport base namespace cpu</c>.
/// </summary>
internal static class TransportChild
{
    public const int StreamId = 4242;

    public static int Run(string[] args)
    {
        Cpu.Pin(Cpu.Parse(args[2]));
        TensorPool.Bench.Matrix.StopLine stopped = TensorPool.Bench.Matrix.StopLine.Watch();
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = args[0], Namespace = args[1] });
        using TpIpcSubscription subscription = transport.AddSubscription("tp:ipc", StreamId);
        var handler = new Stamps(new LongHistogram(10_000_000_000L, 3));
        Console.WriteLine("ready");
        while (!stopped.IsSet)
        {
            subscription.Poll(ref handler, 64);
        }
        LongHistogram h = handler.Latency;
        string P(double p) => h.TotalCount == 0 ? "0" : h.GetValueAtPercentile(p).ToString(CultureInfo.InvariantCulture);
        Console.WriteLine($"result accepted={h.TotalCount} p50={P(50)} p90={P(90)} p99={P(99)} p999={P(99.9)} max={(h.TotalCount == 0 ? 0 : h.GetMaxValue())}");
        return 0;
    }

    private readonly struct Stamps(LongHistogram latency) : IMessageHandler
    {
        public LongHistogram Latency { get; } = latency;

        public void OnMessage(ReadOnlySpan<byte> message)
        {
            long now = Time.MonotonicClock.Instance.NanoTime();
            long sent = BitConverter.ToInt64(message);
            if (sent > 0)
            {
                Latency.RecordValue(Math.Clamp(now - sent, 1, 10_000_000_000L));
            }
        }
    }
}
