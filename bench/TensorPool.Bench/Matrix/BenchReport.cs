namespace TensorPool.Bench.Matrix;

/// <summary>Everything one run measured, written as bench.json (camelCase) and drawn in the PNGs.</summary>
public sealed record BenchReport(
    string Tool,
    string Version,
    DateTimeOffset Started,
    double Seconds,
    bool Quick,
    MachineInfo Machine,
    Baselines Baselines,
    IReadOnlyList<CellResult> Cells,
    IReadOnlyList<string> Notes,
    Paced.PacedReport? Paced = null);

/// <summary>The machine and the placement of the processes; load averages say how noisy the run was.</summary>
public sealed record MachineInfo(
    int ProcessorCount,
    IReadOnlyList<int> AllowedCpus,
    string CpuModel,
    string Runtime,
    string LoadAverageBefore,
    string LoadAverageAfter,
    bool Pinned,
    int ProducerCpu,
    IReadOnlyList<int> ConsumerCpus,
    string Placement);

/// <summary>The same-run baselines: the cross-process floor and the copy ceiling by size.</summary>
public sealed record Baselines(PingPongBaseline PingPong, IReadOnlyList<MemcpyBaseline> Memcpy);

/// <summary>Raw cache-line ping-pong between two processes; one-way = RTT/2.</summary>
public sealed record PingPongBaseline(string Method, int RoundTrips, Percentiles OneWayNs);

/// <summary>Single-thread memcpy of <c>Size</c> bytes into rotating buffers, best of three rounds.</summary>
public sealed record MemcpyBaseline(int Size, double GigabytesPerSecond);
