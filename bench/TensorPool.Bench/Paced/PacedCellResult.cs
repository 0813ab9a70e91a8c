namespace TensorPool.Bench.Paced;

/// <summary>
/// One paced cell: latency from the producer's commit timestamp to each consumer's accept (all consumers merged),
/// what was published in the window and not timed by a consumer (lost, summed over consumers), the consumers' drop
/// counters, and the cores all the cell's processes used over the window (/proc utime + stime ÷ wall time).
/// <see cref="Floor"/> is the futex floor its <see cref="Ratios"/> are against: the rate's, or the cell's own when the
/// run alternates (D252). <see cref="LatencyHistogram"/> is the merged latency histogram in the children's encoding
/// (<see cref="LatencyRecorder.Encode"/>), so runs can be pooled afterwards (bench/reference/side_by_side_table.py).
/// </summary>
public sealed record PacedCellResult(
    int Size,
    double RateHz,
    int Consumers,
    string Idle,
    string Transport,
    Percentiles LatencyNs,
    long Published,
    long Timed,
    long Lost,
    long Drops,
    long Torn,
    double Cores,
    double WindowSeconds,
    PacedRatios Ratios,
    FutexFloor? Floor = null,
    string? LatencyHistogram = null);
