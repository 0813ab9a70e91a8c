using HdrHistogram;

namespace TensorPool.Cli.DataPath;

/// <summary>What a consuming run measured: content checks and latency (HdrHistogram, nanoseconds).</summary>
internal sealed class ConsumerStats
{
    /// <summary>Latencies up to a minute are recorded with 3 significant digits.</summary>
    public LongHistogram Latency { get; } = new(60_000_000_000L, 3);

    /// <summary>Accepted frames whose content was frame seq's, whole.</summary>
    public long Verified { get; set; }

    /// <summary>Accepted frames whose content was not (a torn or foreign frame the seqlock let through: must stay 0).</summary>
    public long Corrupt { get; set; }

    public long Bytes { get; set; }

    /// <summary>Accepted frames whose descriptor carried a trace id (TraceLink §8.1).</summary>
    public long Traced { get; set; }

    public ulong FirstTraceId { get; set; }

    public ulong LastTraceId { get; set; }

    public long FirstTicks { get; set; }

    public long LastTicks { get; set; }
}
