using System.Buffers.Binary;

namespace TensorPool.Bench.Latency;

/// <summary>A sender that keeps a fixed schedule: message i is due at t0 + i/rate and carries that intended time.</summary>
internal static class FixedRate
{
    /// <summary>A send that returns a negative value to be retried (a back-pressured offer).</summary>
    public delegate long Sender(ReadOnlySpan<byte> message);

    /// <summary>Send <paramref name="total"/> messages; returns the bytes allocated by this thread after the warm-up.</summary>
    public static long Send(int total, int rate, Span<byte> message, Sender send)
    {
        double intervalNs = 1e9 / rate;
        long t0 = Clock.NowNs() + 1_000_000;
        long allocatedBefore = 0;
        for (int i = 0; i < total; i++)
        {
            if (i == Settings.Warmup)
            {
                allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            }
            long intended = t0 + (long)(i * intervalNs);
            Clock.SpinUntil(intended);
            BinaryPrimitives.WriteInt64LittleEndian(message, intended);
            BinaryPrimitives.WriteInt64LittleEndian(message[8..], i);
            while (send(message) < 0)
            {
            }
        }
        return GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    }
}
