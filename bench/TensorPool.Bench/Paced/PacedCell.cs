using System.Globalization;
using TensorPool.Bench.Matrix;
using TensorPool.Processes;

namespace TensorPool.Bench.Paced;

/// <summary>
/// Runs one paced measure as separate processes, unpinned unless CPUs are given (how users run them; the point is how
/// they share the CPUs): the consumers (or the futex waiter) first, then the producer (or the waker). A pinned child
/// pins its main thread at start, and the threads it starts later (its client's conductor) inherit that CPU. The CPU
/// window opens when the producer prints <c>steady</c> and closes at its <c>result</c>; the consumers are then given up
/// to a second to take the last frame before they are stopped and report. <see cref="RunAlternating"/> splits a cell's
/// window into segments and measures its own futex floor before each (D252).
/// </summary>
public static unsafe class PacedCell
{
    /// <summary>One paced cell over tp:ipc (or aeron:ipc with <paramref name="aeronDir"/>).</summary>
    public static PacedCellResult Run(Session session, PacedCellSpec spec, FutexFloor floor, string? aeronDir, int index,
        int producerCpu = -1, int consumerCpu = -1)
    {
        Outcome o = MeasureCell(session, spec, aeronDir, $"{index}", producerCpu, consumerCpu);
        return Result(spec, aeronDir, o, floor);
    }

    /// <summary>
    /// One paced cell beside its own futex floor: <paramref name="segments"/> times a floor segment then a cell segment,
    /// each a share of the cell's frames, so both see the same placement of the VM's vCPUs (D252). Latencies merge as
    /// histograms, cores as CPU time over wall time of all segments.
    /// </summary>
    public static PacedCellResult RunAlternating(Session session, PacedCellSpec spec, int segments, bool floorSlice, string? aeronDir,
        int index, int producerCpu = -1, int consumerCpu = -1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        PacedCellSpec share = spec with { Frames = Math.Max(20, (spec.Frames + segments - 1) / segments) };
        Outcome? floor = null, cell = null;
        for (int s = 0; s < segments; s++)
        {
            floor = Outcome.Merge(floor, MeasureFloor(session, spec.RateHz, spec.WarmupFrames, share.Frames, producerCpu, consumerCpu, floorSlice));
            cell = Outcome.Merge(cell, MeasureCell(session, share, aeronDir, $"{index}-{s}", producerCpu, consumerCpu));
        }
        return Result(spec, aeronDir, cell!.Value, Floor(spec.RateHz, floor!.Value));
    }

    /// <summary>The raw futex-wake floor at <paramref name="rateHz"/>.</summary>
    /// <param name="waiterSlice">The waiter asks for <see cref="TensorPool.Agents.ThreadSlice.Shortest"/>, as the wait consumers do.</param>
    public static FutexFloor RunFloor(Session session, double rateHz, int warmup, int frames, int wakerCpu = -1, int waiterCpu = -1,
        bool waiterSlice = false) =>
        Floor(rateHz, MeasureFloor(session, rateHz, warmup, frames, wakerCpu, waiterCpu, waiterSlice));

    private static Outcome MeasureCell(Session session, PacedCellSpec spec, string? aeronDir, string name, int producerCpu, int consumerCpu)
    {
        string aeron = aeronDir ?? PacedClient.NoAeron;
        string nameSpace = string.Create(CultureInfo.InvariantCulture, $"paced-{Environment.ProcessId}-{name}");
        return Measure(session, spec.Consumers, producerCpu, consumerCpu,
            i => [PacedConsumerChild.Measure, nameSpace, Text(i), spec.Idle, aeron],
            [PacedProducerChild.Measure, nameSpace, Text(spec.Size), Text(spec.RateHz), Text(spec.WarmupFrames), Text(spec.Frames), Text(spec.Consumers), aeron]);
    }

    private static Outcome MeasureFloor(Session session, double rateHz, int warmup, int frames, int wakerCpu, int waiterCpu, bool waiterSlice) =>
        Measure(session, 1, wakerCpu, waiterCpu,
            _ => [FutexWakeChild.Measure, "waiter", Text(warmup), waiterSlice ? FutexWakeChild.ShortSlice : FutexWakeChild.DefaultSlice],
            [FutexWakeChild.Measure, "waker", Text(rateHz), Text(warmup), Text(frames)]);

    private static FutexFloor Floor(double rateHz, Outcome o) =>
        new(rateHz, o.Latency.Percentiles(), o.Published, o.Lost, o.Cores, o.Seconds, o.Wakes.Percentiles(), o.Together);

    private static PacedCellResult Result(PacedCellSpec spec, string? aeronDir, Outcome o, FutexFloor floor)
    {
        Percentiles latency = o.Latency.Percentiles();
        return new PacedCellResult(spec.Size, spec.RateHz, spec.Consumers, spec.Idle, aeronDir is null ? "tp:ipc" : "aeron:ipc",
            latency, o.Published, o.Timed, o.Lost, o.Drops, o.Torn, o.Cores, o.Seconds, PacedRatios.Of(latency, o.Cores, floor), floor,
            o.Latency.Encode());
    }

    /// <summary>What a measure saw; <see cref="Wakes"/> and <see cref="Together"/> only the futex floor's waiter reports.</summary>
    private readonly record struct Outcome(LatencyRecorder Latency, long Published, long Timed, long Lost, long Drops, long Torn, double Cores, double Seconds,
        LatencyRecorder Wakes, long Together)
    {
        /// <summary>Two segments as one window: counts add, histograms merge, cores weigh by each segment's seconds.</summary>
        public static Outcome Merge(Outcome? sum, Outcome next)
        {
            if (sum is not { } a)
            {
                return next;
            }
            var latency = new LatencyRecorder();
            latency.Add(a.Latency);
            latency.Add(next.Latency);
            var wakes = new LatencyRecorder();
            wakes.Add(a.Wakes);
            wakes.Add(next.Wakes);
            double seconds = a.Seconds + next.Seconds;
            double cores = seconds > 0 ? ((a.Cores * a.Seconds) + (next.Cores * next.Seconds)) / seconds : 0;
            return new Outcome(latency, a.Published + next.Published, a.Timed + next.Timed, a.Lost + next.Lost, a.Drops + next.Drops,
                a.Torn + next.Torn, cores, seconds, wakes, a.Together + next.Together);
        }
    }

    private static Outcome Measure(Session session, int consumers, int producerCpu, int consumerCpu, Func<int, string[]> consumerArgs, string[] producerArgs)
    {
        (SharedPage page, string path) = session.NewPage();
        var children = new List<ChildProcess>();
        try
        {
            for (int i = 0; i < consumers; i++)
            {
                Volatile.Write(ref *page.ConsumerWord(i), long.MinValue); // below Mapped until the consumer maps
            }
            for (int i = 0; i < consumers; i++)
            {
                string[] args = consumerArgs(i);
                children.Add(session.StartChildOn(consumerCpu, args[0], path, args[1..]));
                children[^1].WaitReady(Session.ChildTimeout);
            }
            ChildProcess producer = session.StartChildOn(producerCpu, producerArgs[0], path, producerArgs[1..]);
            children.Add(producer);
            producer.NextLine("steady", Session.ChildTimeout);
            CpuWindow window = CpuWindow.Start([.. children.Select(c => c.Id)]);
            string produced = producer.NextResult(Session.ChildTimeout);
            (double cores, double seconds) = window.Stop();
            long published = ResultLine.Field(produced, "published");
            long last = ResultLine.Field(produced, "last");
            long deadline = Environment.TickCount64 + 1_000;
            for (int i = 0; i < consumers; i++)
            {
                while (Volatile.Read(ref *page.ConsumerWord(i)) < last && Environment.TickCount64 < deadline)
                {
                    Thread.Sleep(1);
                }
            }
            foreach (ChildProcess child in children)
            {
                child.Stop();
            }
            var merged = new LatencyRecorder();
            var wakes = new LatencyRecorder();
            long timed = 0, lost = 0, drops = 0, torn = 0, together = 0;
            foreach (ChildProcess child in children.Take(consumers))
            {
                string result = child.Result(Session.ChildTimeout);
                long t = ResultLine.Field(result, "timed");
                timed += t;
                lost += Math.Max(0, published - t);
                drops += ResultLine.Field(result, "drops");
                torn += ResultLine.Field(result, "torn");
                merged.Add(LatencyRecorder.Decode(ResultLine.Text(result, "hist")));
                if (result.Contains(" wakehist=", StringComparison.Ordinal))
                {
                    wakes.Add(LatencyRecorder.Decode(ResultLine.Text(result, "wakehist")));
                    together += ResultLine.Field(result, "together");
                }
            }
            if (!producer.TryWaitForExit(Session.ChildTimeout) || producer.ExitCode != 0)
            {
                throw new InvalidOperationException($"paced producer did not end cleanly.\n{producer.Output()}");
            }
            return new Outcome(merged, published, timed, lost, drops, torn, cores, seconds, wakes, together);
        }
        finally
        {
            foreach (ChildProcess child in children)
            {
                child.Dispose();
            }
            page.Dispose();
        }
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
