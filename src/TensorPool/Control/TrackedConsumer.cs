using TensorPool.Sbe.Wire;
using TensorPool.Transport;

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

    public string DescriptorChannel { get; set; } = "";

    public uint DescriptorStreamId { get; set; }

    public PerConsumerStream? Descriptor { get; set; }

    public string ControlChannel { get; set; } = "";

    public uint ControlStreamId { get; set; }

    public IPublication? Control { get; set; }
}
