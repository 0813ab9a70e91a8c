using TensorPool.Agents;

namespace TensorPool.Cli.DataPath;

/// <summary><c>--idle spin|yield|backoff|wait</c>: what a polling loop does when nothing is waiting.</summary>
internal static class IdleChoice
{
    public const string Default = "wait";

    public const string Help = "When no frame is waiting: wait (default: sleep on the streams' futex until a message; next to no CPU), " +
        "spin or yield (lowest latency on a dedicated core, a whole core busy), or backoff.";

    /// <summary>A factory of the named strategy over the loop's wait source, or null for an unknown name.</summary>
    public static Func<IWaitSource, IIdleStrategy>? Parse(string? name) => name switch
    {
        // A consumer's loop: the shortest slice, so a wake-up preempts the producer it shares a CPU with (D249).
        "wait" => static source => new WaitingIdleStrategy(source) { SchedulerSlice = ThreadSlice.Shortest },
        "spin" => static _ => BusySpinIdleStrategy.Instance,
        "yield" => static _ => YieldingIdleStrategy.Instance,
        "backoff" => static _ => new BackoffIdleStrategy(),
        _ => null,
    };
}
