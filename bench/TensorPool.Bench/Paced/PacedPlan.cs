using System.Globalization;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The paced cells of <c>tp bench --paced</c> (issue 14): payload sizes × rates × consumer counts × idle modes, each
/// measured for a steady window after a warm-up, and one raw futex-wake floor per rate. <c>--quick</c> alone runs
/// <see cref="QuickSubset"/> with short windows; <c>--paced</c> the whole plan (narrowed by --sizes, --consumers,
/// --rates, --idle). <see cref="Cpus"/> null runs every process unpinned (how users run them); <c>--pin</c> puts the
/// producer (and the floor's waker) on one CPU and the consumers (and the waiter) on another, so no wake-up waits for
/// the process that sent it to go to sleep (D247). <see cref="FloorSlice"/> (<c>--floor-slice</c>) gives the futex
/// floor's waiter the scheduler slice the wait consumers ask for (D249): the floor of the issue is the plain pair.
/// <see cref="Alternate"/> (<c>--alternate N</c>) gives each cell its own floor, measured in N segments alternating with
/// the cell's (D252); 0 measures one floor per rate before the cells.
/// </summary>
public sealed record PacedPlan(IReadOnlyList<int> Sizes, IReadOnlyList<double> RatesHz, IReadOnlyList<int> Consumers,
    IReadOnlyList<string> IdleModes, double WindowSeconds, string? AeronDir = null, (int Producer, int Consumer)? Cpus = null,
    bool FloorSlice = false, int Alternate = 0)
{
    /// <summary>The most segments <c>--alternate</c> takes: each costs two process starts and a warm-up.</summary>
    public const int MaxAlternate = 20;

    /// <summary>Where the floors are measured, as the report states it.</summary>
    public string FloorTiming => Alternate > 0
        ? string.Create(CultureInfo.InvariantCulture, $"each cell's own, in {Alternate} segment(s) alternating with the cell's (floor, cell, ...)")
        : "one per rate, before the cells";

    /// <summary>How the floor's waiter is scheduled, as the report states it.</summary>
    public string FloorWaiter => FloorSlice
        ? "futex waiter with the shortest scheduler slice, as the wait consumers (--floor-slice)"
        : "futex waiter with the default scheduler slice (the wait consumers ask for the shortest, D249)";

    /// <summary>How the cells' processes are placed, as the report states it.</summary>
    public string Placement => Cpus is { } c
        ? string.Create(CultureInfo.InvariantCulture, $"pinned: producer and futex waker on CPU {c.Producer}, consumers and futex waiter on CPU {c.Consumer}")
        : "nothing pinned";

    public static readonly int[] DefaultSizes = [64, 4096];

    public static readonly double[] DefaultRates = [100, 1_000, 10_000];

    public static readonly int[] DefaultConsumers = [1, 3];

    /// <summary>The steady window of a full run: 50,000 frames at 10 kHz, 500 at 100 Hz.</summary>
    public const double FullWindowSeconds = 5;

    public const double QuickWindowSeconds = 1;

    /// <summary>Rates accepted by --rates: one frame an hour is not paced, and beyond 100 kHz the pacer is a spin.</summary>
    public const double MinRateHz = 1;

    public const double MaxRateHz = 100_000;

    /// <summary>The full plan: every size, rate, consumer count and idle mode.</summary>
    public static PacedPlan Full(double windowSeconds = FullWindowSeconds) =>
        new(DefaultSizes, DefaultRates, DefaultConsumers, IdleMode.All, windowSeconds);

    /// <summary>What <c>--quick</c> adds to the matrix: 64 B at 1 kHz, one consumer, the default (wait) mode.</summary>
    public static PacedPlan QuickSubset() => new([64], [1_000], [1], [IdleMode.Wait], QuickWindowSeconds);

    /// <summary>The cells in the order they run: by consumers, size, rate, then idle mode.</summary>
    public IEnumerable<PacedCellSpec> Cells() =>
        from consumers in Consumers
        from size in Sizes
        from rate in RatesHz
        from idle in IdleModes
        select new PacedCellSpec(size, rate, consumers, idle, WarmupFrames(rate), MeasuredFrames(rate));

    /// <summary>Frames before the window: a quarter of a second, at least 20 (the consumers' first wake-ups and JIT).</summary>
    public static int WarmupFrames(double rateHz) => Math.Max(20, (int)(rateHz / 4));

    /// <summary>Frames in the window: the window at the rate, at least 50.</summary>
    public int MeasuredFrames(double rateHz) => Math.Max(50, (int)(rateHz * WindowSeconds));

    /// <summary>Parse <c>100,1k,10kHz</c> (a k multiplies by 1,000; an Hz suffix is allowed).</summary>
    public static bool TryParseRates(string text, out double[] rates, out string error)
    {
        var list = new List<double>();
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string item = raw.EndsWith("Hz", StringComparison.OrdinalIgnoreCase) ? raw[..^2] : raw;
            double scale = 1;
            if (item.EndsWith('k') || item.EndsWith('K'))
            {
                item = item[..^1];
                scale = 1_000;
            }
            if (!double.TryParse(item, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) ||
                value * scale < MinRateHz || value * scale > MaxRateHz)
            {
                rates = [];
                error = $"'{raw}' is not a rate from {MinRateHz:F0} Hz to {MaxRateHz / 1000:F0} kHz (e.g. 100,1k,10k)";
                return false;
            }
            list.Add(value * scale);
        }
        rates = [.. list.Distinct().Order()];
        error = "";
        return true;
    }

    /// <summary>
    /// The paced plan of the arguments: <c>--paced</c> the whole plan narrowed by the others, <c>--quick</c> alone the
    /// quick subset, neither none. The paced options without <c>--paced</c> are an error (they would do nothing).
    /// </summary>
    public static bool TryCreate(PacedArguments arguments, out PacedPlan? plan, out string error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        (plan, error) = Create(arguments);
        return error.Length == 0;
    }

    private static (PacedPlan? Plan, string Error) Create(PacedArguments a)
    {
        (bool paced, bool quick, int[]? sizes, int[]? consumers, string? rates, string? idle, double? window, string? aeronDir) =
            (a.Paced, a.Quick, a.Sizes, a.Consumers, a.Rates, a.Idle, a.WindowSeconds, a.AeronDir);
        if (!paced)
        {
            string? stray = rates is not null ? "--rates" : idle is not null ? "--idle" : window is not null ? "--window" : aeronDir is not null ? "--aeron-dir"
                : a.Pin ? "--pin" : a.FloorSlice ? "--floor-slice" : a.Alternate is not null ? "--alternate" : null;
            return stray is not null ? (null, $"{stray} needs --paced") : (quick ? QuickSubset() : null, "");
        }
        PacedPlan plan = Full(quick ? QuickWindowSeconds : FullWindowSeconds);
        if (sizes is not null)
        {
            plan = plan with { Sizes = sizes };
        }
        if (consumers is not null)
        {
            plan = plan with { Consumers = consumers };
        }
        if (rates is not null)
        {
            if (!TryParseRates(rates, out double[] list, out string error))
            {
                return (null, error);
            }
            plan = plan with { RatesHz = list };
        }
        if (idle is not null)
        {
            if (!IdleMode.TryParse(idle, out string[] modes, out string error))
            {
                return (null, error);
            }
            plan = plan with { IdleModes = modes };
        }
        if (window is { } seconds)
        {
            if (!(seconds >= 0.1 && seconds <= 600))
            {
                return (null, $"--window {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not from 0.1 to 600 seconds");
            }
            plan = plan with { WindowSeconds = seconds };
        }
        if (aeronDir is not null)
        {
            if (!Directory.Exists(aeronDir))
            {
                return (null, $"--aeron-dir '{aeronDir}' is not a directory (start the media driver first)");
            }
            plan = plan with { AeronDir = Path.GetFullPath(aeronDir) };
        }
        if (a.Pin)
        {
            if (Cpu.PickTwo() is not { } two)
            {
                return (null, "--pin needs two CPUs this process may run on");
            }
            plan = plan with { Cpus = (two.First, two.Second) };
        }
        plan = plan with { FloorSlice = a.FloorSlice };
        if (a.Alternate is { } segments)
        {
            if (segments < 1 || segments > MaxAlternate)
            {
                return (null, $"--alternate {segments} is not from 1 to {MaxAlternate} segments");
            }
            plan = plan with { Alternate = segments };
        }
        return (plan, "");
    }

    /// <summary>100 Hz, 1 kHz, 10 kHz.</summary>
    public static string RateLabel(double hz) => hz >= 1_000 && hz % 1_000 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{hz / 1_000:F0} kHz")
        : string.Create(CultureInfo.InvariantCulture, $"{hz:0.##} Hz");
}
