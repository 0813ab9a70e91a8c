namespace TensorPool.Driver;

/// <summary>A snapshot of the driver's lease table and streams, published by the duty cycle after every change.</summary>
public sealed record DriverStatus(IReadOnlyList<LeaseInfo> Leases, IReadOnlyList<StreamInfo> Streams, bool IsDraining)
{
    public static readonly DriverStatus Empty = new([], [], false);
}

/// <summary>One active lease.</summary>
public sealed record LeaseInfo(ulong LeaseId, uint StreamId, uint ClientId, string Role, uint? NodeId, long ExpiryNs);

/// <summary>One managed stream: its current epoch (0 before the first attach) and the producer's client id (0 when none).</summary>
public sealed record StreamInfo(uint StreamId, ulong Epoch, uint ProducerClientId, int Consumers, bool IsDynamic, string? EpochDir);
