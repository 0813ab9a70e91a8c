using TensorPool.Control.Internal;
using TensorPool.Sbe.Wire;

namespace TensorPool.Control;

/// <summary>A consumer a producer knows of through ConsumerHello / QosConsumer (conductor thread only).</summary>
internal sealed class TrackedConsumer(uint consumerId)
{
    public uint ConsumerId { get; } = consumerId;

    public long LastSeenNs { get; set; }

    public Mode Mode { get; set; } = Mode.Stream;

    public uint MaxRateHz { get; set; }

    public bool SupportsProgress { get; set; }

    public uint? ProgressIntervalUs { get; set; }

    public uint? ProgressBytesDelta { get; set; }

    public uint? ProgressMajorDeltaUnits { get; set; }

    /// <summary>The per-consumer descriptor stream asked for (descriptor_channel, descriptor_stream_id).</summary>
    public PerConsumerRequest DescriptorRequest { get; } = new("descriptor");

    /// <summary>The per-consumer control stream asked for (control_channel, control_stream_id).</summary>
    public PerConsumerRequest ControlRequest { get; } = new("control");

    /// <summary>The descriptor publication with its max_rate_hz gate, as the producer's thread sees it, or null.</summary>
    public PerConsumerStream? Descriptor { get; set; }
}
