using TensorPool.Agents;
using TensorPool.Bench.Matrix;
using TensorPool.Bench.Paced;

namespace TensorPool.Bench.Tests;

/// <summary>The paced cells' plan, arguments, ratios and table (issue 14, "Measure").</summary>
[TestFixture]
public sealed class PacedPlanTests
{
    [Test]
    public void The_full_plan_is_64B_and_4KiB_at_100Hz_1kHz_10kHz_for_1_and_3_consumers_in_every_idle_mode()
    {
        PacedCellSpec[] cells = [.. PacedPlan.Full().Cells()];

        Assert.That(cells, Has.Length.EqualTo(2 * 3 * 2 * 4));
        Assert.That(cells.Select(c => (c.Size, c.RateHz, c.Consumers, c.Idle)).Distinct().Count(), Is.EqualTo(cells.Length));
        Assert.That(cells.Select(c => c.Size).Distinct(), Is.EqualTo(new[] { 64, 4096 }));
        Assert.That(cells.Select(c => c.RateHz).Distinct(), Is.EqualTo(new[] { 100.0, 1_000, 10_000 }));
        Assert.That(cells.Select(c => c.Consumers).Distinct(), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(cells.Select(c => c.Idle).Distinct(), Is.EqualTo(new[] { "spin", "yield", "backoff", "wait" }));
        Assert.That(cells.Take(24).All(c => c.Consumers == 1), Is.True, "one consumer first: the targets' cells");
    }

    [Test]
    public void A_cell_sends_its_window_at_its_rate_after_a_quarter_second_of_warmup()
    {
        PacedPlan plan = PacedPlan.Full(windowSeconds: 5);
        PacedCellSpec tenKilohertz = plan.Cells().First(c => c.RateHz == 10_000);
        PacedCellSpec hundredHertz = plan.Cells().First(c => c.RateHz == 100);

        Assert.That((tenKilohertz.WarmupFrames, tenKilohertz.Frames), Is.EqualTo((2_500, 50_000)));
        Assert.That((hundredHertz.WarmupFrames, hundredHertz.Frames), Is.EqualTo((25, 500)));
        Assert.That(PacedPlan.WarmupFrames(1), Is.EqualTo(20), "at least 20 warm-up frames");
        Assert.That((plan with { WindowSeconds = 0.1 }).MeasuredFrames(100), Is.EqualTo(50), "at least 50 timed frames");
    }

    [Test]
    public void Quick_alone_adds_one_paced_cell_and_neither_flag_adds_none()
    {
        Assert.That(PacedPlan.TryCreate(new PacedArguments(false, true), out PacedPlan? quick, out _), Is.True);
        Assert.That(quick!.Cells().Single(), Is.EqualTo(new PacedCellSpec(64, 1_000, 1, IdleMode.Wait, 250, 1_000)));
        Assert.That(PacedPlan.TryCreate(new PacedArguments(false, false), out PacedPlan? none, out _), Is.True);
        Assert.That(none, Is.Null);
    }

    [Test]
    public void Paced_takes_the_whole_plan_narrowed_by_the_other_options()
    {
        var arguments = new PacedArguments(true, false, Sizes: [4096], Consumers: [1], Rates: "10k,1k", Idle: "wait,spin", WindowSeconds: 2);
        Assert.That(PacedPlan.TryCreate(arguments, out PacedPlan? plan, out string error), Is.True, error);
        Assert.That(plan!.Cells().Select(c => (c.Size, c.RateHz, c.Consumers, c.Idle)), Is.EqualTo(new[]
        {
            (4096, 1_000.0, 1, "spin"), (4096, 1_000.0, 1, "wait"), (4096, 10_000.0, 1, "spin"), (4096, 10_000.0, 1, "wait"),
        }));
        Assert.That(plan.WindowSeconds, Is.EqualTo(2));
        Assert.That(PacedPlan.TryCreate(new PacedArguments(true, true), out PacedPlan? quick, out _), Is.True);
        Assert.That(quick!.WindowSeconds, Is.EqualTo(PacedPlan.QuickWindowSeconds));
        Assert.That(quick.Cells().Count(), Is.EqualTo(48));
    }

    [TestCase(false, "1k", null, null, null, "--rates needs --paced")]
    [TestCase(false, null, "wait", null, null, "--idle needs --paced")]
    [TestCase(false, null, null, 3.0, null, "--window needs --paced")]
    [TestCase(false, null, null, null, "/tmp", "--aeron-dir needs --paced")]
    [TestCase(true, "0", null, null, null, "'0' is not a rate")]
    [TestCase(true, "200k", null, null, null, "'200k' is not a rate")]
    [TestCase(true, null, "sleep", null, null, "'sleep' is not an idle mode")]
    [TestCase(true, null, null, 0.0, null, "--window 0 is not")]
    [TestCase(true, null, null, null, "/nonexistent/aeron", "is not a directory")]
    public void Bad_paced_arguments_are_refused_with_the_reason(bool paced, string? rates, string? idle, double? window, string? aeronDir, string reason)
    {
        var arguments = new PacedArguments(paced, false, Rates: rates, Idle: idle, WindowSeconds: window, AeronDir: aeronDir);
        Assert.That(PacedPlan.TryCreate(arguments, out PacedPlan? plan, out string error), Is.False);
        Assert.That(error, Does.Contain(reason));
        Assert.That(plan, Is.Null);
    }

    [Test]
    public void Pin_places_the_producer_and_the_consumers_on_two_cpus_and_needs_paced()
    {
        Assert.That(PacedPlan.TryCreate(new PacedArguments(false, true, Pin: true), out PacedPlan? stray, out string strayError), Is.False);
        Assert.That(strayError, Does.Contain("--pin needs --paced"));
        Assert.That(stray, Is.Null);

        Assert.That(PacedPlan.TryCreate(new PacedArguments(true, false), out PacedPlan? unpinned, out _), Is.True);
        Assert.That(unpinned!.Cpus, Is.Null);
        Assert.That(unpinned.Placement, Is.EqualTo("nothing pinned"));

        bool created = PacedPlan.TryCreate(new PacedArguments(true, false, Pin: true), out PacedPlan? pinned, out string error);
        if (Cpu.PickTwo() is not { } two)
        {
            Assert.That(created, Is.False);
            Assert.That(error, Does.Contain("--pin needs two CPUs"));
            return;
        }
        Assert.That(created, Is.True, error);
        Assert.That(pinned!.Cpus, Is.EqualTo((two.First, two.Second)));
        Assert.That(pinned.Placement, Is.EqualTo($"pinned: producer and futex waker on CPU {two.First}, consumers and futex waiter on CPU {two.Second}"));
    }

    [Test]
    public void Floor_slice_gives_the_floor_waiter_the_consumers_slice_and_needs_paced()
    {
        Assert.That(PacedPlan.TryCreate(new PacedArguments(false, true, FloorSlice: true), out _, out string strayError), Is.False);
        Assert.That(strayError, Does.Contain("--floor-slice needs --paced"));

        Assert.That(PacedPlan.TryCreate(new PacedArguments(true, false), out PacedPlan? plain, out _), Is.True);
        Assert.That(plain!.FloorSlice, Is.False, "the floor of the issue is the plain futex pair");
        Assert.That(plain.FloorWaiter, Does.Contain("default scheduler slice"));

        Assert.That(PacedPlan.TryCreate(new PacedArguments(true, false, FloorSlice: true), out PacedPlan? sliced, out string error), Is.True, error);
        Assert.That(sliced!.FloorSlice, Is.True);
        Assert.That(sliced.FloorWaiter, Does.Contain("shortest scheduler slice"));
    }

    [Test]
    public void Alternate_gives_each_cell_its_own_floor_in_bounded_segments_and_needs_paced()
    {
        Assert.That(PacedPlan.TryCreate(new PacedArguments(false, true, Alternate: 4), out _, out string strayError), Is.False);
        Assert.That(strayError, Does.Contain("--alternate needs --paced"));

        Assert.That(PacedPlan.TryCreate(new PacedArguments(true, false), out PacedPlan? plain, out _), Is.True);
        Assert.That(plain!.Alternate, Is.Zero);
        Assert.That(plain.FloorTiming, Is.EqualTo("one per rate, before the cells"));

        Assert.That(PacedPlan.TryCreate(new PacedArguments(true, false, Alternate: 4), out PacedPlan? alternating, out string error), Is.True, error);
        Assert.That(alternating!.Alternate, Is.EqualTo(4));
        Assert.That(alternating.FloorTiming, Does.Contain("each cell's own, in 4 segment(s)"));
        foreach (int bad in new[] { 0, -1, PacedPlan.MaxAlternate + 1 })
        {
            Assert.That(PacedPlan.TryCreate(new PacedArguments(true, false, Alternate: bad), out _, out error), Is.False, $"{bad}");
            Assert.That(error, Does.Contain($"--alternate {bad} is not from 1 to {PacedPlan.MaxAlternate}"));
        }
    }

    [Test]
    public void Rates_take_k_and_Hz_and_come_back_sorted_without_repeats()
    {
        Assert.That(PacedPlan.TryParseRates("10kHz,100,1k,1000, 2.5k", out double[] rates, out string error), Is.True, error);
        Assert.That(rates, Is.EqualTo(new[] { 100.0, 1_000, 2_500, 10_000 }));
        Assert.That(PacedPlan.TryParseRates("", out _, out _), Is.False);
        Assert.That(PacedPlan.TryParseRates("-5", out _, out _), Is.False);
        Assert.That(PacedPlan.RateLabel(10_000), Is.EqualTo("10 kHz"));
        Assert.That(PacedPlan.RateLabel(100), Is.EqualTo("100 Hz"));
    }

    [Test]
    public void Idle_modes_are_the_strategies_tp_consume_names()
    {
        using var source = new FakeWaitSource();
        Assert.That(IdleMode.Create("spin", source), Is.TypeOf<BusySpinIdleStrategy>());
        Assert.That(IdleMode.Create("yield", source), Is.TypeOf<YieldingIdleStrategy>());
        Assert.That(IdleMode.Create("backoff", source), Is.TypeOf<BackoffIdleStrategy>());
        using var wait = (WaitingIdleStrategy)IdleMode.Create("wait", source);
        Assert.That(wait.SchedulerSlice, Is.EqualTo(ThreadSlice.Shortest), "as tp consume's waiting consumers (D249)");
        Assert.That(() => IdleMode.Create("sleep", source), Throws.ArgumentException);
        Assert.That(IdleMode.TryParse("wait,spin,wait", out string[] modes, out _), Is.True);
        Assert.That(modes, Is.EqualTo(new[] { "spin", "wait" }));
    }

    [Test]
    public void Ratios_are_against_the_futex_floor_of_the_same_rate()
    {
        var floor = new FutexFloor(1_000, new Percentiles(4_000, 0, 20_000, 100_000, 0, 5_000), 5_000, 0, 0.02, 5);
        PacedRatios r = PacedRatios.Of(new Percentiles(5_500, 0, 30_000, 0, 0, 5_000), 0.03, floor);

        Assert.That(r.CoresOverFutex, Is.EqualTo(1.5).Within(1e-9));
        Assert.That(r.P99OverFutex, Is.EqualTo(1.5).Within(1e-9));
        Assert.That(r.P50MinusFutexNs, Is.EqualTo(1_500));
        PacedRatios noFloor = PacedRatios.Of(new Percentiles(1, 0, 1, 0, 0, 1), 0.5, floor with { Cores = 0, LatencyNs = default });
        Assert.That((noFloor.CoresOverFutex, noFloor.P99OverFutex), Is.EqualTo((0.0, 0.0)), "no floor: no ratio, not infinity");
    }

    [Test]
    public void The_table_prints_the_floors_and_each_cell_with_the_targets_ratios_and_json_is_camel_case()
    {
        BenchReport report = Report();
        string table = RatioTable.Format(report);

        Assert.That(table, Does.Contain("futex wake between two processes at 1 kHz: p50 4000 ns, p99 20000 ns"));
        Assert.That(table, Does.Contain("c/futex").And.Contain("p99/futex").And.Contain("p50-futex"));
        Assert.That(table, Does.Match(@"64 B\s+1 kHz\s+1 wait\s+5500\s+30000\s+40000\s+2\s+5000\s+0\.030\s+1\.5x\s+1\.5x\s+1500\s+4000\s+20000"),
            "the floor the ratios are against ends the row");
        Assert.That(table, Does.Not.Contain("p50/floor"), "no size matrix ran: no matrix table");
        string json = BenchJson.Serialize(report);
        Assert.That(json, Does.Contain("\"paced\"").And.Contain("\"futexFloors\"").And.Contain("\"coresOverFutex\": 1.5").And.Contain("\"idle\": \"wait\""));
        Assert.That(BenchJson.Deserialize(json)!.Paced!.Cells.Single().Lost, Is.EqualTo(2));
        Assert.That(table, Does.Contain("wall time; pinned: producer and futex waker on CPU 0, consumers and futex waiter on CPU 1"));
        Assert.That(json, Does.Contain("\"placement\": \"pinned: producer and futex waker on CPU 0"));
    }

    private static BenchReport Report()
    {
        var floor = new FutexFloor(1_000, new Percentiles(4_000, 0, 20_000, 100_000, 0, 5_000), 5_000, 0, 0.02, 5);
        var latency = new Percentiles(5_500, 0, 30_000, 40_000, 0, 4_998);
        var cell = new PacedCellResult(64, 1_000, 1, IdleMode.Wait, "tp:ipc", latency, 5_000, 4_998, 2, 0, 0, 0.03, 5, PacedRatios.Of(latency, 0.03, floor), floor);
        var machine = new MachineInfo(2, [0, 1], "cpu", ".NET", "1 1 1", "1 1 1", true, 0, [1], "pinned");
        var pingPong = new PingPongBaseline("ping-pong", 10, new Percentiles(60, 0, 90, 0, 0, 10));
        return new BenchReport("tp bench", "1.0", DateTimeOffset.UnixEpoch, 1, false, machine, new Baselines(pingPong, []), [], [],
            new PacedReport("tp:ipc", 5, "1 1 1", "2 2 2", [floor], [cell], "pinned: producer and futex waker on CPU 0, consumers and futex waiter on CPU 1"));
    }

    private sealed class FakeWaitSource : IWaitSource, IDisposable
    {
        public void Wait(long timeoutNs)
        {
        }

        public void Wake()
        {
        }

        public void Dispose()
        {
        }
    }
}
