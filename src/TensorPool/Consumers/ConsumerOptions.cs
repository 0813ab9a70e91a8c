using System.Globalization;

namespace TensorPool.Consumers;

/// <summary>
/// Settings of a <see cref="Consumer"/>, copied and validated by
/// <see cref="TensorPool.Client.TensorPoolClient.AddConsumer(ConsumerOptions)"/>.
/// </summary>
public sealed class ConsumerOptions
{
    /// <summary>§15.4's recommended max_outstanding_seq_gap.</summary>
    public const int DefaultMaxOutstandingSeqGap = 256;

    /// <summary>The data source (pool stream id) to read.</summary>
    public uint StreamId { get; set; } = Producers.ProducerOptions.DefaultStreamId;

    /// <summary>The consumer id in QosConsumer; 0 picks a random non-zero id (§10.1.2: randomised self-assigned ids).</summary>
    public uint ConsumerId { get; set; }

    /// <summary>
    /// How far behind the producer the consumer may fall before it resyncs (§15.4): when a frame it is about to read
    /// is more than this many sequences older than the newest the producer is known to have written, the consumer skips
    /// every descriptor older than that newest one (counted as drops_gap). See docs/DECISIONS.md.
    /// </summary>
    public int MaxOutstandingSeqGap { get; set; } = DefaultMaxOutstandingSeqGap;

    public ConsumerOptions Clone() => (ConsumerOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks its rule.</summary>
    public void Validate()
    {
        if (MaxOutstandingSeqGap < 1)
        {
            throw new ArgumentException(
                $"ConsumerOptions.MaxOutstandingSeqGap = '{MaxOutstandingSeqGap.ToString(CultureInfo.InvariantCulture)}' must be at least 1",
                nameof(MaxOutstandingSeqGap));
        }
    }
}
