using System.Runtime.InteropServices;

namespace TensorPool.Bench;

/// <summary>
/// CPU affinity of the calling thread through sched_setaffinity(2)/sched_getaffinity(2) (pid 0 = this thread), so the
/// two sides of a measurement never share a core. The measuring thread of every process is the one that pins itself.
/// </summary>
public static unsafe partial class Cpu
{
    private const int MaskWords = 16; // 1024 CPUs, glibc's cpu_set_t

    /// <summary>The CPUs the calling thread may run on, in ascending order.</summary>
    public static IReadOnlyList<int> Allowed()
    {
        ulong* mask = stackalloc ulong[MaskWords];
        if (sched_getaffinity(0, MaskWords * sizeof(ulong), mask) != 0)
        {
            return [.. Enumerable.Range(0, Environment.ProcessorCount)];
        }
        var cpus = new List<int>();
        for (int cpu = 0; cpu < MaskWords * 64; cpu++)
        {
            if ((mask[cpu >> 6] & (1UL << (cpu & 63))) != 0)
            {
                cpus.Add(cpu);
            }
        }
        return cpus;
    }

    /// <summary>The first two CPUs this thread may run on, or null when it has fewer than two.</summary>
    public static (int First, int Second)? PickTwo()
    {
        IReadOnlyList<int> cpus = Allowed();
        return cpus.Count >= 2 ? (cpus[0], cpus[1]) : null;
    }

    /// <summary>A CPU as a child's argument: its number, or <c>none</c> for unpinned (no leading '-' for option parsers).</summary>
    public static string Format(int cpu) => cpu < 0 ? "none" : cpu.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The inverse of <see cref="Format"/>.</summary>
    public static int Parse(string text) => text == "none" ? -1 : int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Pin the calling thread to <paramref name="cpu"/>; a negative value leaves it unpinned.</summary>
    /// <exception cref="InvalidOperationException">The kernel refused (the CPU is not allowed or does not exist).</exception>
    public static void Pin(int cpu)
    {
        if (cpu < 0)
        {
            return;
        }
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, MaskWords * 64);
        ulong* mask = stackalloc ulong[MaskWords];
        new Span<ulong>(mask, MaskWords).Clear();
        mask[cpu >> 6] = 1UL << (cpu & 63);
        if (sched_setaffinity(0, MaskWords * sizeof(ulong), mask) != 0)
        {
            throw new InvalidOperationException($"sched_setaffinity to CPU {cpu} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>
    /// Let the calling thread run on every CPU the process may use (the kernel keeps it within its cpuset). Children
    /// inherit the mask of the thread that starts them: the paced cells, which run unpinned, start from an unpinned thread.
    /// </summary>
    /// <exception cref="InvalidOperationException">The kernel refused.</exception>
    public static void Unpin()
    {
        ulong* mask = stackalloc ulong[MaskWords];
        new Span<ulong>(mask, MaskWords).Fill(ulong.MaxValue);
        if (sched_setaffinity(0, MaskWords * sizeof(ulong), mask) != 0)
        {
            throw new InvalidOperationException($"sched_setaffinity to every CPU failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nint cpusetsize, ulong* mask);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_getaffinity(int pid, nint cpusetsize, ulong* mask);
}
