using TensorPool.Driver.Leases;
using TensorPool.Driver.Shm;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;

namespace TensorPool.Driver.Protocol;

/// <summary>
/// Encodes everything the driver sends into one reusable buffer (schema 901 Appendix A, and ShmPoolAnnounce /
/// ConsumerConfig of schema 900): each method returns the encoded bytes, valid until the next call.
/// </summary>
internal sealed class DriverMessages
{
    /// <summary>§4.2: an errorMessage longer than this is truncated.</summary>
    public const int MaxErrorMessageBytes = 1024;

    private readonly byte[] _buffer;
    private readonly byte[] _text = new byte[MaxErrorMessageBytes];

    public DriverMessages(int capacity) => _buffer = new byte[capacity];

    /// <summary>§4.2: an OK response carries every required field, non-null, and the complete pool group.</summary>
    public ReadOnlySpan<byte> AttachOk(long correlationId, Lease lease, StreamEpoch epoch)
    {
        var e = ShmAttachResponseEncoder.WrapAndApplyHeader(_buffer);
        e.CorrelationId = correlationId;
        e.Code = ResponseCode.Ok;
        e.LeaseId = lease.LeaseId;
        e.LeaseExpiryTimestampNs = (ulong)lease.ExpiryNs;
        e.StreamId = lease.StreamId;
        e.Epoch = epoch.Epoch;
        e.LayoutVersion = (uint)Native.Internal.TpSuperblockConstants.LayoutVersion;
        e.HeaderNslots = epoch.Profile.HeaderNslots;
        e.HeaderSlotBytes = 256;
        e.NodeId = lease.NodeId;
        var pools = e.PayloadPoolsCount(epoch.Profile.PayloadPools.Count);
        for (int i = 0; i < epoch.Profile.PayloadPools.Count; i++)
        {
            pools.Next();
            pools.PoolId = epoch.Profile.PayloadPools[i].PoolId;
            pools.PoolNslots = epoch.Profile.HeaderNslots; // §4.2: poolNslots == headerNslots
            pools.StrideBytes = epoch.Profile.PayloadPools[i].StrideBytes;
            pools.PutRegionUri(epoch.PoolRegionUris[i]);
        }
        e.PutHeaderRegionUri(epoch.HeaderRegionUri);
        return _buffer.AsSpan(0, e.EncodedLength);
    }

    /// <summary>§4.2: a non-OK response: correlationId, code and a diagnostic; every optional field null, no pools, no URI.</summary>
    public ReadOnlySpan<byte> AttachError(long correlationId, ResponseCode code, string message)
    {
        var e = ShmAttachResponseEncoder.WrapAndApplyHeader(_buffer);
        e.CorrelationId = correlationId;
        e.Code = code;
        e.PayloadPoolsCount(0);
        e.PutHeaderRegionUri(ReadOnlySpan<byte>.Empty);
        e.PutErrorMessage(Ascii(message));
        return _buffer.AsSpan(0, e.EncodedLength);
    }

    public ReadOnlySpan<byte> DetachResponse(long correlationId, ResponseCode code, string? message)
    {
        var e = ShmDetachResponseEncoder.WrapAndApplyHeader(_buffer);
        e.CorrelationId = correlationId;
        e.Code = code;
        e.PutErrorMessage(message is null ? ReadOnlySpan<byte>.Empty : Ascii(message));
        return _buffer.AsSpan(0, e.EncodedLength);
    }

    /// <summary>§4.9: the notice for every invalidation (DETACHED, EXPIRED, REVOKED).</summary>
    public ReadOnlySpan<byte> LeaseRevoked(long nowNs, ulong leaseId, uint streamId, uint clientId, Role role,
        LeaseRevokeReason reason, string message)
    {
        var e = ShmLeaseRevokedEncoder.WrapAndApplyHeader(_buffer);
        e.TimestampNs = (ulong)nowNs;
        e.LeaseId = leaseId;
        e.StreamId = streamId;
        e.ClientId = clientId;
        e.Role = role;
        e.Reason = reason;
        e.PutErrorMessage(Ascii(message));
        return _buffer.AsSpan(0, e.EncodedLength);
    }

    /// <summary>§4.13: the notice that every lease is invalid.</summary>
    public ReadOnlySpan<byte> DriverShutdown(long nowNs, ShutdownReason reason, string message)
    {
        var e = ShmDriverShutdownEncoder.WrapAndApplyHeader(_buffer);
        e.TimestampNs = (ulong)nowNs;
        e.Reason = reason;
        e.PutErrorMessage(Ascii(message));
        return _buffer.AsSpan(0, e.EncodedLength);
    }

    /// <summary>
    /// ShmPoolAnnounce (wire §10.1.1) from the driver (driver spec §8): producerId is the attached producer's client id
    /// or 0, timestamps on CLOCK_MONOTONIC. Allocation-free: the URIs are the epoch's bytes.
    /// </summary>
    public ReadOnlySpan<byte> Announce(StreamEpoch epoch, uint producerId, long nowNs)
    {
        var a = ShmPoolAnnounceEncoder.WrapAndApplyHeader(_buffer);
        a.StreamId = epoch.StreamId;
        a.ProducerId = producerId;
        a.Epoch = epoch.Epoch;
        a.AnnounceTimestampNs = (ulong)nowNs;
        a.AnnounceClockDomain = ClockDomain.Monotonic;
        a.LayoutVersion = (uint)Native.Internal.TpSuperblockConstants.LayoutVersion;
        a.HeaderNslots = epoch.Profile.HeaderNslots;
        a.HeaderSlotBytes = 256;
        var pools = a.PayloadPoolsCount(epoch.Profile.PayloadPools.Count);
        for (int i = 0; i < epoch.Profile.PayloadPools.Count; i++)
        {
            pools.Next();
            pools.PoolId = epoch.Profile.PayloadPools[i].PoolId;
            pools.PoolNslots = epoch.Profile.HeaderNslots;
            pools.StrideBytes = epoch.Profile.PayloadPools[i].StrideBytes;
            pools.PutRegionUri(epoch.PoolRegionUris[i]);
        }
        a.PutHeaderRegionUri(epoch.HeaderRegionUri);
        return _buffer.AsSpan(0, a.EncodedLength);
    }

    /// <summary>ConsumerConfig (wire §10.1.3) with the per-consumer streams assigned (or declined: empty channel, 0).</summary>
    public ReadOnlySpan<byte> ConsumerConfig(uint streamId, uint consumerId, Mode mode, uint descriptorStreamId, string descriptorChannel,
        uint controlStreamId, string controlChannel)
    {
        var c = ConsumerConfigEncoder.WrapAndApplyHeader(_buffer);
        c.StreamId = streamId;
        c.ConsumerId = consumerId;
        c.UseShm = Bool.True;
        c.Mode = mode;
        c.DescriptorStreamId = descriptorStreamId;
        c.ControlStreamId = controlStreamId;
        c.PutPayloadFallbackUri(ReadOnlySpan<byte>.Empty);
        c.PutDescriptorChannel(Ascii(descriptorChannel));
        c.PutControlChannel(Ascii(controlChannel));
        return _buffer.AsSpan(0, c.EncodedLength);
    }

    /// <summary>
    /// ASCII (the schema's varAsciiEncoding), at most the text buffer: "§" is spelt "section " so a client reads
    /// "(driver spec section 4.4)" rather than "(driver spec ?4.4)" (D179); other characters outside printable ASCII
    /// become '?'.
    /// </summary>
    private ReadOnlySpan<byte> Ascii(string text)
    {
        const string Section = "section ";
        int n = 0;
        foreach (char c in text)
        {
            if (c == '§')
            {
                if (n + Section.Length > _text.Length)
                {
                    break;
                }
                for (int k = 0; k < Section.Length; k++)
                {
                    _text[n++] = (byte)Section[k];
                }
                continue;
            }
            if (n == _text.Length)
            {
                break;
            }
            _text[n++] = c is >= ' ' and <= '~' ? (byte)c : (byte)'?';
        }
        return _text.AsSpan(0, n);
    }
}
