namespace TensorPool.Bench.Paced;

/// <summary>
/// The paced options of a <c>tp bench</c> command line (null: not given): <c>--paced</c>, <c>--quick</c>,
/// <c>--sizes</c>, <c>--consumers</c>, <c>--rates</c>, <c>--idle</c>, <c>--window</c>, <c>--aeron-dir</c>, <c>--pin</c>, <c>--floor-slice</c>, <c>--alternate</c>.
/// </summary>
public sealed record PacedArguments(bool Paced, bool Quick, int[]? Sizes = null, int[]? Consumers = null, string? Rates = null,
    string? Idle = null, double? WindowSeconds = null, string? AeronDir = null, bool Pin = false, bool FloorSlice = false,
    int? Alternate = null);
