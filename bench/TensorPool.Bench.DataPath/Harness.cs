using System.Diagnostics;
using System.Globalization;
using TensorPool.Client;

namespace TensorPool.Bench.DataPath;

/// <summary>What both processes share: where the shared memory lives, the CPUs, and the client settings.</summary>
internal static class Harness
{
    public const uint StreamId = 10000;

    /// <summary>A client whose conductor the measuring thread invokes itself (no second thread on the pinned CPU).</summary>
    public static TensorPoolClient Connect(string baseDir, string nameSpace) => TensorPoolClient.Connect(new ClientOptions
    {
        ShmBaseDir = baseDir,
        Namespace = nameSpace,
        ConductorMode = ConductorMode.Invoker,
        AnnouncePeriod = TimeSpan.FromMilliseconds(50),
        QosPeriod = TimeSpan.FromMilliseconds(50),
        FreshnessWindow = TimeSpan.FromSeconds(30),
        LivenessTimeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>The first two CPUs this process may use, or null.</summary>
    public static (int First, int Second)? PickCpus()
    {
        long mask = (long)Process.GetCurrentProcess().ProcessorAffinity;
        var cpus = Enumerable.Range(0, 63).Where(c => (mask & (1L << c)) != 0).Take(2).ToArray();
        return cpus.Length == 2 ? (cpus[0], cpus[1]) : null;
    }

    public static void Pin(int cpu)
    {
        if (cpu >= 0)
        {
            Process.GetCurrentProcess().ProcessorAffinity = (nint)(1L << cpu);
        }
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string F(double value, string format = "F0") => value.ToString(format, CultureInfo.InvariantCulture);
}
