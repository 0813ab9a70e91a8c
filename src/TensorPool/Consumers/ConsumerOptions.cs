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

    /// <summary>STREAM (every descriptor) or RATE_LIMITED (at most <see cref="MaxRateHz"/>), sent in ConsumerHello (§10.1.2, §11).</summary>
    public Sbe.Wire.Mode Mode { get; set; } = Sbe.Wire.Mode.Stream;

    /// <summary>The rate cap in RATE_LIMITED mode (0 = unlimited); the producer applies it on a per-consumer descriptor stream (§5).</summary>
    public uint MaxRateHz { get; set; }

    /// <summary>Request a per-consumer descriptor stream on this channel (with <see cref="DescriptorStreamId"/>); empty = not requested (§10.1.2).</summary>
    public string DescriptorChannel { get; set; } = "";

    /// <summary>The per-consumer descriptor stream id requested; 0 with an empty channel = not requested.</summary>
    public uint DescriptorStreamId { get; set; }

    /// <summary>Request a per-consumer control stream (FrameProgress only, §5) on this channel; empty = not requested.</summary>
    public string ControlChannel { get; set; } = "";

    /// <summary>The per-consumer control stream id requested; 0 with an empty channel = not requested.</summary>
    public uint ControlStreamId { get; set; }

    /// <summary>
    /// Opt in to FrameProgress (§10.2.2): called on the polling thread with each valid progress message of this stream.
    /// Null = supports_progress FALSE; progress messages are then ignored.
    /// </summary>
    public Control.FrameProgressHandler? ProgressHandler { get; set; }

    /// <summary>progress_interval_us hint (§10.2.2), null = absent (producer defaults apply).</summary>
    public uint? ProgressIntervalUs { get; set; }

    /// <summary>progress_bytes_delta hint, null = absent.</summary>
    public uint? ProgressBytesDelta { get; set; }

    /// <summary>progress_major_delta_units hint, null = absent.</summary>
    public uint? ProgressMajorDeltaUnits { get; set; }

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
        if (Mode is not (Sbe.Wire.Mode.Stream or Sbe.Wire.Mode.RateLimited))
        {
            throw new ArgumentException($"ConsumerOptions.Mode = '{(int)Mode}' must be STREAM or RATE_LIMITED (§10.1.2)", nameof(Mode));
        }
        CheckRequest(nameof(DescriptorChannel), DescriptorChannel, DescriptorStreamId);
        CheckRequest(nameof(ControlChannel), ControlChannel, ControlStreamId);
        if (DescriptorChannel.Length > 0 && DescriptorChannel == ControlChannel && DescriptorStreamId == ControlStreamId)
        {
            throw new ArgumentException("ConsumerOptions: the per-consumer descriptor and control streams must differ", nameof(ControlStreamId));
        }
        foreach ((string name, uint? value) in new[] { (nameof(ProgressIntervalUs), ProgressIntervalUs), (nameof(ProgressBytesDelta), ProgressBytesDelta),
            (nameof(ProgressMajorDeltaUnits), ProgressMajorDeltaUnits) })
        {
            if (value == uint.MaxValue)
            {
                throw new ArgumentException($"ConsumerOptions.{name} = '{value}' is the wire's null value; use null for absent (§10.1)", name);
            }
        }
    }

    /// <summary>§10.1.2: consumers MUST NOT send a channel without a stream id (or a stream id without a channel).</summary>
    private static void CheckRequest(string option, string? channel, uint streamId)
    {
        if (channel is null || channel.Length > Transport.ChannelUri.MaxLength || !System.Text.Ascii.IsValid(channel))
        {
            throw new ArgumentException($"ConsumerOptions.{option} = '{channel}' must be ASCII of at most {Transport.ChannelUri.MaxLength} characters", option);
        }
        if (Control.StreamRequests.Classify(channel.Length, streamId) == Control.StreamRequest.HalfRequest)
        {
            throw new ArgumentException(
                $"ConsumerOptions.{option} = '{channel}' with stream id {streamId}: give both a channel and a non-zero stream id, or neither (§10.1.2)", option);
        }
        if (channel.Length > 0 && !Transport.ChannelUri.TryParse(channel, out _, out string? error))
        {
            throw new ArgumentException($"ConsumerOptions.{option} = '{channel}' is not a channel URI: {error}", option);
        }
    }
}
