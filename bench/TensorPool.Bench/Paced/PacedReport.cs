namespace TensorPool.Bench.Paced;

/// <summary>Everything the paced part of a run measured (bench.json's <c>paced</c>).</summary>
public sealed record PacedReport(
    string Transport,
    double WindowSeconds,
    string LoadAverageBefore,
    string LoadAverageAfter,
    IReadOnlyList<FutexFloor> FutexFloors,
    IReadOnlyList<PacedCellResult> Cells,
    string Placement = "nothing pinned",
    string FloorWaiter = "",
    int Alternate = 0);
