using TensorPool.Sbe.Driver;

namespace TensorPool.DriverClient;

/// <summary>
/// Receives what the <see cref="DriverEventsAdapter"/> decoded from the driver's control and announce streams, on the
/// duty cycle's thread. Only messages that decoded and whose enums are known arrive here; the adapter counts the rest.
/// </summary>
internal interface IDriverEventsListener
{
    /// <summary>A ShmAttachResponse (§4.2); its code is read by the listener once it knows the response is its own.</summary>
    void OnAttachResponse(in ShmAttachResponseDecoder response);

    /// <summary>ShmLeaseRevoked (§4.9), with a known reason and role.</summary>
    void OnLeaseRevoked(ulong leaseId, uint streamId, uint clientId, Role role, LeaseRevokeReason reason, ReadOnlySpan<byte> errorMessage);

    /// <summary>ShmDriverShutdown (§4.13).</summary>
    void OnDriverShutdown(ReadOnlySpan<byte> errorMessage);

    /// <summary>A ShmPoolAnnounce the driver sent for a stream (driver liveness and epochs, §4.9, §10).</summary>
    void OnPoolAnnounce(uint streamId, ulong epoch);
}
