using System.Buffers.Binary;
using System.ComponentModel;

namespace TensorPool.Diagnostics.Internal;

/// <summary>
/// A payload derived from (epoch, seq), so a reader can tell a whole frame from a torn or misplaced one by its bytes
/// alone: the crash matrix and <c>tp soak</c> check every delivered frame with it (D205, D207).
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FramePattern
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>Fill <paramref name="payload"/> with the pattern of frame (<paramref name="epoch"/>, <paramref name="seq"/>).</summary>
    public static void Fill(Span<byte> payload, ulong epoch, ulong seq)
    {
        ulong word = Seed(epoch, seq);
        int i = 0;
        for (; i + 8 <= payload.Length; i += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(payload[i..], word);
            word += Golden;
        }
        for (; i < payload.Length; i++)
        {
            payload[i] = (byte)(word >> (8 * (i & 7)));
        }
    }

    /// <summary>True when <paramref name="payload"/> holds exactly the pattern of frame (<paramref name="epoch"/>, <paramref name="seq"/>).</summary>
    public static bool Matches(ReadOnlySpan<byte> payload, ulong epoch, ulong seq)
    {
        ulong word = Seed(epoch, seq);
        int i = 0;
        for (; i + 8 <= payload.Length; i += 8)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(payload[i..]) != word)
            {
                return false;
            }
            word += Golden;
        }
        for (; i < payload.Length; i++)
        {
            if (payload[i] != (byte)(word >> (8 * (i & 7))))
            {
                return false;
            }
        }
        return true;
    }

    private static ulong Seed(ulong epoch, ulong seq)
    {
        // splitmix64 of the pair: neighbouring frames share no word.
        ulong z = (epoch * Golden) ^ (seq + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
