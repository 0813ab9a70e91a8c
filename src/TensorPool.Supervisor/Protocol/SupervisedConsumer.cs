using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.Supervisor.Protocol;

/// <summary>
/// One consumer the supervisor follows (by stream and consumer id, wire spec §10.1.2): what its last hello asked for,
/// when it was last heard of, what it was told, and the relays that serve its per-consumer streams. Duty-cycle thread.
/// </summary>
internal sealed class SupervisedConsumer(uint streamId, uint consumerId)
{
    public uint StreamId { get; } = streamId;

    public uint ConsumerId { get; } = consumerId;

    public bool SupportsShm { get; set; }

    public bool SupportsProgress { get; set; }

    public Mode Mode { get; set; }

    public uint MaxRateHz { get; set; }

    public string DescriptorChannel { get; set; } = "";

    public uint DescriptorStreamId { get; set; }

    public string ControlChannel { get; set; } = "";

    public uint ControlStreamId { get; set; }

    public long LastSeenNs { get; set; }

    public ConsumerDecision? Decision { get; set; }

    public long ConfigsSent { get; set; }

    /// <summary>The publication of the descriptor stream the supervisor serves, null when it serves none.</summary>
    public IPublication? DescriptorRelay { get; set; }

    public IPublication? ProgressRelay { get; set; }

    public long RelayIntervalNs { get; set; }

    public long NextRelayNs { get; set; }

    public long Relayed { get; set; }

    public long RateCapped { get; set; }

    public void CloseRelays()
    {
        DescriptorRelay?.Dispose();
        DescriptorRelay = null;
        ProgressRelay?.Dispose();
        ProgressRelay = null;
    }
}
