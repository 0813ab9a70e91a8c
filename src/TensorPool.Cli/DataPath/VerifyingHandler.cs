using System.Diagnostics;
using TensorPool.Consumers;
using TensorPool.Frames.Internal;
using TensorPool.Frames;
using TensorPool.Time;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// Reads each frame in place, checks its content (sequence and checksum), then asks the seqlock whether what it read
/// was whole: only frames still valid are counted, verified or corrupt. Without <paramref name="verify"/> (a stage's
/// output, whose content or sequence is not the synthetic frame's) frames are counted as verified unread.
/// </summary>
internal readonly struct VerifyingHandler(ConsumerStats stats, bool verify = true) : IFrameHandler
{
    public void OnFrame(in Frame frame)
    {
        long now = MonotonicClock.Instance.NanoTime(); // delivered: latency stops here, not after the check
        ReadOnlySpan<byte> payload = frame.Payload;
        bool intact = !verify || SyntheticPayload.Verify(payload, frame.Seq);
        if (!frame.IsStillValid())
        {
            return; // overwritten while read: the consumer counts it late, whatever the bytes said
        }
        if (intact)
        {
            stats.Verified++;
        }
        else
        {
            stats.Corrupt++;
        }
        stats.Bytes += payload.Length;
        if (frame.TraceId != 0)
        {
            stats.Traced++;
            stats.LastTraceId = frame.TraceId;
            stats.FirstTraceId = stats.FirstTraceId == 0 ? frame.TraceId : stats.FirstTraceId;
        }
        stats.Latency.RecordValue(Math.Max(0, now - (long)Math.Min(frame.TimestampNs, long.MaxValue)));
        stats.LastTicks = Stopwatch.GetTimestamp();
        if (stats.FirstTicks == 0)
        {
            stats.FirstTicks = stats.LastTicks;
        }
    }
}
