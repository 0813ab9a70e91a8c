using System.Buffers.Binary;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// What the matrix writes into every frame: its sequence (word 0) and phase (word 1), so a consumer knows which frames
/// to time. Over the Unix socket a 16-byte header goes first: the send time (ns), the payload length, the phase.
/// </summary>
public static class FrameFormat
{
    /// <summary>Warm-up frames: delivered, not timed.</summary>
    public const long Warmup = 0;

    /// <summary>The fixed-rate latency phase: timed at delivery.</summary>
    public const long Latency = 1;

    /// <summary>The throughput phase: counted.</summary>
    public const long Throughput = 2;

    /// <summary>Socket only: the last frame, the receiver reports and exits.</summary>
    public const long End = 3;

    public const int SocketHeaderLength = 16;

    public static void WriteSocketHeader(Span<byte> frame, long sentNs, int length, long phase)
    {
        BinaryPrimitives.WriteInt64LittleEndian(frame, sentNs);
        BinaryPrimitives.WriteInt32LittleEndian(frame[8..], length);
        BinaryPrimitives.WriteInt32LittleEndian(frame[12..], (int)phase);
    }

    /// <summary>Read a socket header; false when the length is not what this run sends (a corrupt stream).</summary>
    public static bool TryReadSocketHeader(ReadOnlySpan<byte> header, int expectedLength, out long sentNs, out long phase)
    {
        sentNs = BinaryPrimitives.ReadInt64LittleEndian(header);
        phase = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        return BinaryPrimitives.ReadInt32LittleEndian(header[8..]) == expectedLength && phase is >= Warmup and <= End;
    }
}
