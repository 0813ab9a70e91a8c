namespace TensorPool.Fuzz;

/// <summary>
/// Byte-level mutations that reach what decoders of SBE and text check: flipped bits, boundary values written over
/// length and count fields, inserted, removed and duplicated ranges, truncation, splices of two inputs, and tokens of a
/// dictionary (TOML and JSON syntax, key names).
/// </summary>
internal sealed class Mutator(Random random, IReadOnlyList<byte[]> dictionary)
{
    private static readonly ulong[] Interesting =
    [
        0, 1, 2, 7, 8, 63, 64, 127, 128, 255, 256, 1023, 1024, 4095, 4096, 32767, 32768, 65535, 65536,
        int.MaxValue, 0x80000000, uint.MaxValue, 1UL << 32, long.MaxValue, 0x8000000000000000, ulong.MaxValue,
    ];

    private const int MaxLength = 1 << 16;

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var bytes = new List<byte>(input);
        int rounds = 1 + random.Next(4);
        for (int i = 0; i < rounds; i++)
        {
            MutateOnce(bytes, corpus);
        }
        if (bytes.Count > MaxLength)
        {
            bytes.RemoveRange(MaxLength, bytes.Count - MaxLength);
        }
        return [.. bytes];
    }

    private void MutateOnce(List<byte> b, IReadOnlyList<byte[]> corpus)
    {
        switch (random.Next(10))
        {
            case 0 when b.Count > 0:
                b[random.Next(b.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when b.Count > 0:
                b[random.Next(b.Count)] = (byte)random.Next(256);
                break;
            case 2 when b.Count > 0:
                WriteInteresting(b);
                break;
            case 3:
            {
                int at = random.Next(b.Count + 1);
                var insert = new byte[1 + random.Next(16)];
                random.NextBytes(insert);
                b.InsertRange(at, insert);
                break;
            }
            case 4 when b.Count > 0:
            {
                int at = random.Next(b.Count);
                b.RemoveRange(at, Math.Min(b.Count - at, 1 + random.Next(16)));
                break;
            }
            case 5 when b.Count > 0:
                TruncateTail(b);
                break;
            case 6 when b.Count > 0:
            {
                int at = random.Next(b.Count);
                int length = Math.Min(b.Count - at, 1 + random.Next(32));
                b.InsertRange(random.Next(b.Count + 1), b.GetRange(at, length));
                break;
            }
            case 7 when corpus.Count > 0:
            {
                byte[] other = corpus[random.Next(corpus.Count)];
                int cut = random.Next(b.Count + 1);
                int from = random.Next(other.Length + 1);
                b.RemoveRange(cut, b.Count - cut);
                b.AddRange(other.AsSpan(from).ToArray());
                break;
            }
            case 8 when dictionary.Count > 0:
                b.InsertRange(random.Next(b.Count + 1), dictionary[random.Next(dictionary.Count)]);
                break;
            default:
                if (b.Count > 0)
                {
                    b[random.Next(b.Count)] = (byte)(b[random.Next(b.Count)] + random.Next(-2, 3));
                }
                break;
        }
    }

    private void TruncateTail(List<byte> b)
    {
        int keep = random.Next(b.Count + 1);
        b.RemoveRange(keep, b.Count - keep);
    }

    /// <summary>A boundary value as a little-endian u8/u16/u32/u64 at a random offset: lengths, counts, ids.</summary>
    private void WriteInteresting(List<byte> b)
    {
        ulong value = Interesting[random.Next(Interesting.Length)];
        if (random.Next(4) == 0)
        {
            value = (ulong)b.Count + (ulong)random.Next(-2, 3);
        }
        int width = 1 << random.Next(4);
        int at = random.Next(b.Count);
        for (int i = 0; i < width && at + i < b.Count; i++)
        {
            b[at + i] = (byte)(value >> (8 * i));
        }
    }
}
