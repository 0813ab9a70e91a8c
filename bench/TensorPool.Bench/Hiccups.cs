using System.Globalization;

namespace TensorPool.Bench;

/// <summary>
/// How much of its time a pinned, busy-spinning thread is not running: it reads the clock in a tight loop and counts
/// every gap longer than <see cref="GapNs"/> as time taken by someone else (the hypervisor, the kernel, another
/// process). A fixed-rate stream can never beat this: a message due while its sender or receiver is off the CPU waits
/// out the gap, so when a spinner loses more than 1 % of its time in gaps, no transport shows a p99 below them.
/// </summary>
public static class Hiccups
{
    /// <summary>Shorter gaps are the loop itself (a clock read takes tens of ns on a VM).</summary>
    public const long GapNs = 1_000;

    /// <summary>Spin on <paramref name="cpu"/> for <paramref name="duration"/> and report the gaps.</summary>
    public static Result Measure(int cpu, TimeSpan duration)
    {
        Cpu.Pin(cpu);
        long durationNs = (long)duration.TotalNanoseconds;
        long start = Clock.NowNs();
        long last = start;
        long lost = 0;
        long gaps = 0;
        long longest = 0;
        while (last - start < durationNs)
        {
            long now = Clock.NowNs();
            long gap = now - last;
            if (gap > GapNs)
            {
                lost += gap;
                gaps++;
                longest = Math.Max(longest, gap);
            }
            last = now;
        }
        return new Result(cpu, (double)lost / (last - start), gaps / ((last - start) / 1e9), longest);
    }

    /// <summary>The share of wall time lost in gaps, their rate and the longest, on one CPU.</summary>
    public readonly record struct Result(int Cpu, double LostFraction, double GapsPerSecond, long LongestNs)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"cpu {Cpu}: {LostFraction * 100:F2}% of the time off the CPU, {GapsPerSecond:F0} gaps/s over {GapNs / 1000} us, longest {LongestNs / 1e6:F2} ms");
    }
}
