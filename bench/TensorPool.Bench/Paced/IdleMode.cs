using TensorPool.Agents;

namespace TensorPool.Bench.Paced;

/// <summary>
/// The idle strategies of a paced consumer, as <c>tp consume --idle</c> names them: spin and yield (a busy core),
/// backoff (spins, yields, then parks 1 µs to 1 ms), wait (the default: a short spin, then sleep on the streams'
/// futex words, D181, with the shortest scheduler slice, D249).
/// </summary>
public static class IdleMode
{
    public const string Spin = "spin";
    public const string Yield = "yield";
    public const string Backoff = "backoff";
    public const string Wait = "wait";

    public static readonly string[] All = [Spin, Yield, Backoff, Wait];

    /// <summary>The strategy named <paramref name="mode"/> over the consumer's wait source.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="All"/>.</exception>
    public static IIdleStrategy Create(string mode, IWaitSource source) => mode switch
    {
        Spin => BusySpinIdleStrategy.Instance,
        Yield => YieldingIdleStrategy.Instance,
        Backoff => new BackoffIdleStrategy(),
        Wait => new WaitingIdleStrategy(source) { SchedulerSlice = ThreadSlice.Shortest }, // as tp consume --idle wait (D249)
        _ => throw new ArgumentException($"unknown idle mode '{mode}' (spin, yield, backoff, wait)", nameof(mode)),
    };

    /// <summary>Parse <c>wait,spin</c>: idle modes in the order of <see cref="All"/>, without repeats.</summary>
    public static bool TryParse(string text, out string[] modes, out string error)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        string? bad = items.FirstOrDefault(i => !All.Contains(i, StringComparer.Ordinal));
        if (bad is not null)
        {
            modes = [];
            error = $"'{bad}' is not an idle mode (spin, yield, backoff, wait)";
            return false;
        }
        modes = [.. All.Where(m => items.Contains(m, StringComparer.Ordinal))];
        error = "";
        return true;
    }
}
