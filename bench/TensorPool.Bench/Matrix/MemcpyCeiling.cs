using System.Runtime.InteropServices;

namespace TensorPool.Bench.Matrix;

/// <summary>
/// The ceiling of the producer's one copy: a single thread copying <c>size</c> bytes from one buffer into rotating
/// destination buffers (as the producer copies into rotating slots), the best of three timed rounds.
/// </summary>
public static unsafe class MemcpyCeiling
{
    public static double BytesPerSecond(int size, double secondsPerRound)
    {
        int destinations = (int)Math.Clamp((64L << 20) / size, 2, 64);
        byte* source = (byte*)NativeMemory.Alloc((nuint)size);
        byte* target = (byte*)NativeMemory.Alloc((nuint)size * (nuint)destinations);
        try
        {
            new Span<byte>(source, size).Fill(0x5A);
            for (int d = 0; d < destinations; d++)
            {
                new Span<byte>(target + ((long)d * size), size).Clear(); // first touch outside the timing
            }
            int batch = Math.Max(1, (1 << 20) / size);
            double best = 0;
            for (int round = 0; round < 4; round++) // round 0 warms up
            {
                long copies = 0;
                long start = Clock.NowNs();
                long end = start + (long)(secondsPerRound * 1e9);
                long now;
                do
                {
                    for (int i = 0; i < batch; i++, copies++)
                    {
                        new ReadOnlySpan<byte>(source, size).CopyTo(new Span<byte>(target + ((copies % destinations) * size), size));
                    }
                    now = Clock.NowNs();
                }
                while (now < end);
                if (round > 0)
                {
                    best = Math.Max(best, copies * (double)size / ((now - start) / 1e9));
                }
            }
            return best;
        }
        finally
        {
            NativeMemory.Free(source);
            NativeMemory.Free(target);
        }
    }
}
