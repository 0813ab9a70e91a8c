using TensorPool.Sbe;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.DriverClient;

/// <summary>
/// What the client receives from the driver: polls the control stream (and the announce stream when it is another
/// one), decodes each message and hands it to an <see cref="IDriverEventsListener"/>. Messages of other schemas are
/// not driver messages (§4.4a) and are passed over; driver messages that do not decode, or carry enum values this
/// client does not know, are counted as malformed and never reach the listener. Used only on the duty cycle's thread.
/// </summary>
internal sealed class DriverEventsAdapter : IDisposable
{
    private const int PollLimit = 32;

    private readonly ISubscription _control;
    private readonly ISubscription? _announces;
    private long _malformed;

    /// <param name="control">The driver's control stream (responses, revocations, shutdown notices).</param>
    /// <param name="announces">The driver's announce stream, null when it is the control stream.</param>
    public DriverEventsAdapter(ISubscription control, ISubscription? announces)
    {
        _control = control;
        _announces = announces;
    }

    /// <summary>Driver messages that did not decode or carried unknown enum values (includes newer schema versions, §4.4a).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Poll both streams once; returns the messages read.</summary>
    public int Receive(IDriverEventsListener listener)
    {
        var handler = new Handler(this, listener);
        int work = _control.Poll(ref handler, PollLimit);
        if (_announces is not null)
        {
            work += _announces.Poll(ref handler, PollLimit);
        }
        return work;
    }

    public void Dispose()
    {
        _control.Dispose();
        _announces?.Dispose();
    }

    private void OnMessage(ReadOnlySpan<byte> message, IDriverEventsListener listener)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
        {
            return;
        }
        if (header.SchemaId == ShmPoolAnnounceDecoder.SchemaId && header.TemplateId == ShmPoolAnnounceDecoder.TemplateId)
        {
            if (ShmPoolAnnounceDecoder.TryWrap(message, out ShmPoolAnnounceDecoder announce, out _))
            {
                listener.OnPoolAnnounce(announce.StreamId, announce.Epoch);
            }
            return; // a broken announce is the consumers' business (their trackers count it), not the lease's
        }
        if (header.SchemaId != ShmAttachResponseDecoder.SchemaId)
        {
            return; // §4.4a: only the driver schema's messages are driver messages
        }
        switch (header.TemplateId)
        {
            case ShmAttachResponseDecoder.TemplateId:
                if (ShmAttachResponseDecoder.TryWrap(message, out ShmAttachResponseDecoder response, out _))
                {
                    listener.OnAttachResponse(response);
                }
                else
                {
                    Interlocked.Increment(ref _malformed); // includes a newer schema version (§4.4a: rejected)
                }
                break;
            case ShmLeaseRevokedDecoder.TemplateId:
                if (ShmLeaseRevokedDecoder.TryWrap(message, out ShmLeaseRevokedDecoder revoked, out _) &&
                    revoked.TryGetReason(out LeaseRevokeReason reason) && revoked.TryGetRole(out Role role))
                {
                    listener.OnLeaseRevoked(revoked.LeaseId, revoked.StreamId, revoked.ClientId, role, reason, revoked.ErrorMessage);
                }
                else
                {
                    Interlocked.Increment(ref _malformed); // §4.9: unknown reason or role values are rejected
                }
                break;
            case ShmDriverShutdownDecoder.TemplateId:
                if (ShmDriverShutdownDecoder.TryWrap(message, out ShmDriverShutdownDecoder shutdown, out _))
                {
                    listener.OnDriverShutdown(shutdown.ErrorMessage);
                }
                else
                {
                    Interlocked.Increment(ref _malformed);
                }
                break;
        }
    }

    private readonly struct Handler(DriverEventsAdapter adapter, IDriverEventsListener listener) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => adapter.OnMessage(message, listener);
    }
}
