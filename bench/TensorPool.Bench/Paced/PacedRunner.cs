using TensorPool.Bench.Matrix;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The paced part of a run: the futex-wake floor of each rate, then every cell of the plan beside it; or, with
/// <see cref="PacedPlan.Alternate"/>, every cell alternating with its own floor (D252).
/// </summary>
public static class PacedRunner
{
    public static PacedReport Run(Session session, PacedPlan plan, Action<string> progress)
    {
        string loadBefore = BenchRunner.LoadAverage();
        string transport = plan.AeronDir is null ? "tp:ipc" : $"aeron:ipc (media driver of {plan.AeronDir})";
        progress($"paced cells over {transport}: {plan.Cells().Count()} cells, steady windows of {plan.WindowSeconds} s, {plan.Placement}; floors: {plan.FloorTiming}; load average {loadBefore}");
        (int producerCpu, int consumerCpu) = plan.Cpus ?? (-1, -1);
        var floors = new Dictionary<double, FutexFloor>();
        if (plan.Alternate == 0)
        {
            foreach (double rate in plan.RatesHz)
            {
                FutexFloor floor = PacedCell.RunFloor(session, rate, PacedPlan.WarmupFrames(rate), plan.MeasuredFrames(rate), producerCpu, consumerCpu,
                    plan.FloorSlice);
                floors[rate] = floor;
                progress($"floor: {Describe(floor)}");
            }
        }
        var cells = new List<PacedCellResult>();
        int index = 0;
        foreach (PacedCellSpec spec in plan.Cells())
        {
            PacedCellResult cell = plan.Alternate > 0
                ? PacedCell.RunAlternating(session, spec, plan.Alternate, plan.FloorSlice, plan.AeronDir, index++, producerCpu, consumerCpu)
                : PacedCell.Run(session, spec, floors[spec.RateHz], plan.AeronDir, index++, producerCpu, consumerCpu);
            cells.Add(cell);
            progress($"{BenchSettings.SizeLabel(spec.Size)} at {PacedPlan.RateLabel(spec.RateHz)} x {spec.Consumers} {spec.Idle}: p50 {cell.LatencyNs.P50:F0} ns, p99 {cell.LatencyNs.P99:F0} ns, p99.9 {cell.LatencyNs.P999:F0} ns, lost {cell.Lost}, {cell.Cores:F3} cores" +
                (plan.Alternate > 0 ? $"; its floor: {Describe(cell.Floor!)}" : ""));
        }
        return new PacedReport(transport, plan.WindowSeconds, loadBefore, BenchRunner.LoadAverage(), [.. floors.Values], cells, plan.Placement, plan.FloorWaiter,
            plan.Alternate);
    }

    private static string Describe(FutexFloor f) =>
        $"futex wake at {PacedPlan.RateLabel(f.RateHz)}: p50 {f.LatencyNs.P50:F0} ns, p99 {f.LatencyNs.P99:F0} ns, p99.9 {f.LatencyNs.P999:F0} ns, {f.Cores:F3} cores (latest wake of each return alone: p99 {f.WakeLatencyNs.P99:F0} ns, {f.Together} came with a later one)";
}
