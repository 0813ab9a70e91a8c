using System.Buffers.Binary;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.InteropServices;

namespace TensorPool.Frames.Internal;

/// <summary>
/// Self-checking frame contents for the demo, the stress tests and the benchmarks: word 0 is the frame's sequence,
/// word 1 a checksum of every byte from 16 on, and those bytes a pattern derived from the sequence. A consumer that
/// accepted a torn frame (bytes of two frames) or another frame's bytes sees a wrong sequence or checksum.
/// </summary>
/// <remarks>
/// Checksum: the sum, modulo 2^64, of the little-endian 8-byte words from byte 16 on, plus the trailing bytes (fewer
/// than 8) each as a number. The pattern makes word i (from 0 at byte 16) <c>b + i</c> with <c>b</c> a 64-bit mix of
/// the sequence, and trailing byte j <c>(byte)(b + j)</c>, so the producer's checksum is closed-form; the consumer
/// still sums every byte it received.
/// </remarks>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SyntheticPayload
{
    /// <summary>The smallest frame that holds the sequence and checksum words.</summary>
    public const int MinLength = 16;

    /// <summary>Fill <paramref name="payload"/> (at least 16 bytes) for frame <paramref name="seq"/>.</summary>
    public static void Fill(Span<byte> payload, ulong seq)
    {
        if (payload.Length < MinLength)
        {
            throw new ArgumentException($"a self-checking payload needs at least {MinLength} bytes", nameof(payload));
        }
        ulong b = Mix(seq);
        Span<byte> body = payload[MinLength..];
        int words = body.Length / 8;
        Span<ulong> w = MemoryMarshal.Cast<byte, ulong>(body[..(words * 8)]);
        int i = 0;
        if (Vector.IsHardwareAccelerated && words >= Vector<ulong>.Count * 2)
        {
            Span<ulong> start = stackalloc ulong[Vector<ulong>.Count];
            for (int k = 0; k < start.Length; k++)
            {
                start[k] = b + (ulong)k;
            }
            var v = new Vector<ulong>(start);
            var step = new Vector<ulong>((ulong)Vector<ulong>.Count);
            Span<Vector<ulong>> vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(w);
            for (int k = 0; k < vectors.Length; k++)
            {
                vectors[k] = v;
                v += step;
            }
            i = vectors.Length * Vector<ulong>.Count;
        }
        for (; i < words; i++)
        {
            w[i] = b + (ulong)i;
        }
        ulong sum = unchecked(((ulong)words * b) + ((ulong)words * (ulong)(words - 1) / 2));
        Span<byte> tail = body[(words * 8)..];
        for (int j = 0; j < tail.Length; j++)
        {
            tail[j] = (byte)(b + (ulong)j);
            sum += tail[j];
        }
        BinaryPrimitives.WriteUInt64LittleEndian(payload, seq);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[8..], sum);
    }

    /// <summary>True when <paramref name="payload"/> is frame <paramref name="seq"/>'s content, whole.</summary>
    public static bool Verify(ReadOnlySpan<byte> payload, ulong seq)
    {
        if (payload.Length < MinLength || BinaryPrimitives.ReadUInt64LittleEndian(payload) != seq)
        {
            return false;
        }
        return Checksum(payload[MinLength..]) == BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]);
    }

    /// <summary>The checksum of a body (the bytes from 16 on).</summary>
    public static ulong Checksum(ReadOnlySpan<byte> body)
    {
        int words = body.Length / 8;
        ReadOnlySpan<ulong> w = MemoryMarshal.Cast<byte, ulong>(body[..(words * 8)]);
        ulong sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated && words >= Vector<ulong>.Count * 2)
        {
            ReadOnlySpan<Vector<ulong>> vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(w);
            Vector<ulong> acc = Vector<ulong>.Zero;
            for (int k = 0; k < vectors.Length; k++)
            {
                acc += vectors[k];
            }
            sum = Vector.Sum(acc);
            i = vectors.Length * Vector<ulong>.Count;
        }
        for (; i < words; i++)
        {
            sum += w[i];
        }
        foreach (byte t in body[(words * 8)..])
        {
            sum += t;
        }
        return sum;
    }

    /// <summary>splitmix64's finaliser: consecutive sequences get unrelated bases.</summary>
    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
