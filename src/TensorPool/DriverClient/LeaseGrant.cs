using TensorPool.Sbe.Driver;

namespace TensorPool.DriverClient;

/// <summary>
/// A validated ShmAttachResponse with code OK (driver spec §4.2): the lease and the regions to map. Every field the
/// spec requires was present, the URIs are valid shm:file URIs, the pools' slot counts equal the header ring's.
/// </summary>
public sealed record LeaseGrant(
    ulong LeaseId,
    uint StreamId,
    uint ClientId,
    Role Role,
    ulong Epoch,
    uint LayoutVersion,
    uint HeaderNslots,
    ushort HeaderSlotBytes,
    byte[] HeaderRegionUri,
    IReadOnlyList<GrantedPool> Pools,
    ulong? LeaseExpiryTimestampNs,
    uint? NodeId);
