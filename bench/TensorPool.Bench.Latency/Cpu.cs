using System.Diagnostics;

namespace TensorPool.Bench.Latency;

/// <summary>Pins the calling process to one CPU so the two sides of a measurement never share a core.</summary>
internal static class Cpu
{
    /// <summary>The first two CPUs this process may run on, or null when it has fewer than two.</summary>
    public static (int First, int Second)? PickTwo()
    {
        long mask = (long)Process.GetCurrentProcess().ProcessorAffinity;
        int first = -1;
        for (int cpu = 0; cpu < 63; cpu++)
        {
            if ((mask & (1L << cpu)) == 0)
            {
                continue;
            }
            if (first < 0)
            {
                first = cpu;
            }
            else
            {
                return (first, cpu);
            }
        }
        return null;
    }

    public static void Pin(int cpu)
    {
        if (cpu >= 0)
        {
            Process.GetCurrentProcess().ProcessorAffinity = (nint)(1L << cpu);
        }
    }
}
