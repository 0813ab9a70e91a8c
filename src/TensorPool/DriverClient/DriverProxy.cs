using System.Security.Cryptography;
using TensorPool.Diagnostics;
using TensorPool.Sbe.Driver;
using TensorPool.Transport;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.DriverClient;

/// <summary>
/// What the client sends the driver (driver spec §4.3, §4.4, §4.9), encoded into one buffer and offered on the control
/// stream: attach, keepalive and detach requests, and the correlation ids they carry (Appendix B.1). Used only on the
/// duty cycle's thread.
/// </summary>
internal sealed class DriverProxy : IDisposable
{
    private readonly IPublication _requests;
    private readonly byte[] _buffer = new byte[256];
    private long _nextCorrelationId;

    public DriverProxy(IPublication requests)
    {
        _requests = requests;
        // B.1: a per-process random start, so two clients (or two runs) never share correlation ids.
        _nextCorrelationId = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & 0x3FFF_FFFF_FFFF_FFFFL;
    }

    public long NextCorrelationId() => _nextCorrelationId++;

    /// <summary>ShmAttachRequest (§4.3); false when the transport refused it (the response timeout then retransmits).</summary>
    public bool Attach(long correlationId, AttachRequest request, uint clientId)
    {
        var e = ShmAttachRequestEncoder.WrapAndApplyHeader(_buffer);
        e.CorrelationId = correlationId;
        e.StreamId = request.StreamId;
        e.ClientId = clientId;
        e.Role = request.Role;
        e.ExpectedLayoutVersion = request.ExpectedLayoutVersion;
        e.PublishMode = request.PublishMode;
        e.RequireHugepages = request.RequireHugepages;
        e.DesiredNodeId = request.DesiredNodeId;
        return _requests.Offer(_buffer.AsSpan(0, e.EncodedLength)) >= 0;
    }

    /// <summary>ShmLeaseKeepalive (§4.4); false when the transport refused it (fatal for the lease).</summary>
    public bool Keepalive(LeaseGrant grant, long clientTimestampNs)
    {
        var k = ShmLeaseKeepaliveEncoder.WrapAndApplyHeader(_buffer);
        k.LeaseId = grant.LeaseId;
        k.StreamId = grant.StreamId;
        k.ClientId = grant.ClientId;
        k.Role = grant.Role;
        k.ClientTimestampNs = (ulong)clientTimestampNs;
        return _requests.Offer(_buffer.AsSpan(0, k.EncodedLength)) >= 0;
    }

    /// <summary>ShmDetachRequest (§4.9) with a fresh correlation id; best effort: expiry covers a lost detach.</summary>
    public bool Detach(ulong leaseId, uint streamId, uint clientId, Role role)
    {
        var d = ShmDetachRequestEncoder.WrapAndApplyHeader(_buffer);
        d.CorrelationId = NextCorrelationId();
        d.LeaseId = leaseId;
        d.StreamId = streamId;
        d.ClientId = clientId;
        d.Role = role;
        bool sent = _requests.Offer(_buffer.AsSpan(0, d.EncodedLength)) >= 0;
        FaultPoint.At(FaultStep.Detach);
        return sent;
    }

    public void Dispose() => _requests.Dispose();
}
