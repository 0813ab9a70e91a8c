using System.Buffers.Binary;
using System.Security.Cryptography;
using TensorPool.Agents;
using TensorPool.Driver.Leases;
using TensorPool.Driver.Shm;
using TensorPool.Sbe;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.Driver.Protocol;

/// <summary>
/// The driver's duty cycle (an <see cref="IAgent"/>): poll the control stream and dispatch requests, then run the
/// timers — lease expiry (§4.4), announces and activity refresh (§8, §7.1), epoch GC (§15.21a.7) and the shutdown
/// drain (§4.13). After start-up it allocates only while handling an attach (a lease, its cached response) and when
/// the status snapshot is republished after a change.
/// </summary>
internal sealed class DriverConductor : IAgent
{
    private const int PollLimit = 64;

    private readonly DriverContext _ctx;
    private readonly ISubscription _control;
    private readonly ISubscription? _metadata;
    private readonly EpochService _epochs;
    private readonly AttachHandler _attach;
    private readonly LeaseRequests _leases;
    private readonly LeaseLifecycle _lifecycle;
    private readonly PerConsumerStreams _perConsumer;
    private readonly byte[] _shutdownToken;
    private readonly long _announcePeriodNs;
    private long _nextAnnounceNs;
    private long _drainDeadlineNs = long.MaxValue;
    private ShutdownReason _drainReason = ShutdownReason.Admin;
    private volatile bool _shutdownComplete;
    private volatile DriverStatus _status = DriverStatus.Empty;

    public DriverConductor(DriverContext ctx, ISubscription control, ISubscription? metadata = null)
    {
        _ctx = ctx;
        _control = control;
        _metadata = metadata;
        _epochs = new EpochService(ctx);
        _lifecycle = new LeaseLifecycle(ctx, _epochs);
        _attach = new AttachHandler(ctx, _epochs);
        _leases = new LeaseRequests(ctx, _lifecycle);
        _perConsumer = new PerConsumerStreams(ctx);
        _shutdownToken = System.Text.Encoding.ASCII.GetBytes(ctx.Options.ShutdownToken);
        _announcePeriodNs = (long)ctx.Options.AnnouncePeriodMs * 1_000_000L;
        foreach (var s in ctx.Options.Streams)
        {
            var profile = s.Profile is null ? ctx.Options.EffectiveDefaultProfile! : ctx.Options.Profiles.First(p => p.Name == s.Profile);
            ctx.Streams.Add(s.StreamId, new DriverStream(s.StreamId, profile, isDynamic: false));
        }
    }

    public string RoleName => "tensorpool-driver";

    public DriverContext Context => _ctx;

    /// <summary>The last published snapshot of leases and streams.</summary>
    public DriverStatus Status => _status;

    /// <summary>True once a requested shutdown finished draining and ShmDriverShutdown was sent (§4.13).</summary>
    public bool ShutdownComplete => _shutdownComplete;

    /// <summary>Called once, on the duty cycle's thread, when ShmDriverShutdown has been sent.</summary>
    public Action? ShutdownCompleted { get; init; }

    /// <summary>The reason of the shutdown that completed.</summary>
    public ShutdownReason CompletedReason => _drainReason;

    public void OnStart()
    {
        if (_ctx.Options.EpochGcEnabled && _ctx.Options.EpochGcOnStartup)
        {
            // §17 epoch_gc_on_startup: what earlier runs left for our streams (dead creators: stale, §10).
            foreach (DriverStream stream in _ctx.Streams.Values)
            {
                _epochs.ScanOnce(stream);
            }
            _epochs.CollectGarbage();
        }
        if (_ctx.Options.EpochGcEnabled && _ctx.DeadPredecessorPid != 0)
        {
            // A driver died holding this namespace: every epoch directory it left (of any stream, static or dynamic)
            // is reclaimed by default, with no manual cleanup (D176). Epochs of a live process are never touched.
            DriverLog.ReclaimingDeadDriverEpochs(_ctx.Log, _ctx.DeadPredecessorPid);
            _epochs.TrackLeftovers();
            _epochs.CollectGarbage();
        }
        _nextAnnounceNs = _ctx.Now;
        PublishStatus();
    }

    public int DoWork()
    {
        if (_shutdownComplete)
        {
            return 0;
        }
        var handler = new ControlHandler(this);
        int work = _control.Poll(ref handler, PollLimit);
        if (_metadata is not null)
        {
            var metadata = new MetadataHandler(this);
            work += _metadata.Poll(ref metadata, PollLimit);
        }
        long now = _ctx.Now;
        work += _leases.ExpireDue(now);
        if (now >= _nextAnnounceNs)
        {
            _nextAnnounceNs = now + _announcePeriodNs;
            foreach (DriverStream stream in _ctx.Streams.Values)
            {
                _epochs.Announce(stream);
                work++;
            }
        }
        // After the announces: a duty cycle slowed by a burst of requests must not expire the driver's own streams.
        work += _ctx.Discovery?.DoWork(now) ?? 0;
        if (now >= _ctx.Gc.NextDueNs)
        {
            _epochs.CollectGarbage();
            work++;
        }
        if (now >= _drainDeadlineNs)
        {
            CompleteShutdown(_drainReason, "driver shut down on request");
            RemoveAllFiles();
            work++;
        }
        if (_ctx.StatusDirty)
        {
            PublishStatus();
        }
        return work;
    }

    public void OnClose()
    {
    }

    /// <summary>
    /// Shut down now (embedding process closing, SIGTERM): a final announce, ShmDriverShutdown, then every epoch
    /// directory this run created or tracked is removed (the leases are invalid from here on, §4.13).
    /// </summary>
    public void CloseNow(ShutdownReason reason, string message)
    {
        if (!_shutdownComplete)
        {
            foreach (DriverStream stream in _ctx.Streams.Values)
            {
                _epochs.Announce(stream);
            }
            CompleteShutdown(reason, message);
        }
        RemoveAllFiles();
    }

    /// <summary>§4.13: begin draining (refuse attaches, announce once more); ShmDriverShutdown after the timeout.</summary>
    public void BeginDrain(ShutdownReason reason)
    {
        if (_ctx.IsDraining)
        {
            return;
        }
        _ctx.IsDraining = true;
        _drainReason = reason;
        _drainDeadlineNs = _ctx.Now + (long)_ctx.Options.ShutdownTimeoutMs * 1_000_000L;
        _ctx.StatusDirty = true;
        DriverLog.Draining(_ctx.Log, reason.ToString(), _ctx.Options.ShutdownTimeoutMs);
        foreach (DriverStream stream in _ctx.Streams.Values)
        {
            _epochs.Announce(stream);
        }
    }

    private void CompleteShutdown(ShutdownReason reason, string message)
    {
        _drainDeadlineNs = long.MaxValue;
        _drainReason = reason;
        _ctx.SendControl(_ctx.Messages.DriverShutdown(_ctx.Now, reason, message));
        DriverLog.ShutdownSent(_ctx.Log, reason.ToString(), message);
        _shutdownComplete = true;
        ShutdownCompleted?.Invoke();
    }

    private void RemoveAllFiles()
    {
        foreach (DriverStream stream in _ctx.Streams.Values)
        {
            _epochs.Retire(stream);
        }
        foreach (string dir in _ctx.Gc.Drain())
        {
            if (!EpochDirectory.Remove(_ctx.Shm.BaseDir, dir, out string? error))
            {
                DriverLog.EpochKept(_ctx.Log, dir, error);
            }
        }
    }

    private void PublishStatus()
    {
        _ctx.StatusDirty = false;
        var leases = new List<LeaseInfo>(_ctx.Leases.Count);
        foreach (Lease l in _ctx.Leases.All)
        {
            leases.Add(new LeaseInfo(l.LeaseId, l.StreamId, l.ClientId, l.Role.ToString(), l.NodeId, l.ExpiryNs));
        }
        var streams = new List<StreamInfo>(_ctx.Streams.Count);
        foreach (DriverStream s in _ctx.Streams.Values)
        {
            streams.Add(new StreamInfo(s.StreamId, s.Current?.Epoch ?? 0, s.ProducerId, s.Consumers, s.IsDynamic, s.Current?.Dir));
        }
        _status = new DriverStatus(leases, streams, _ctx.IsDraining);
    }

    private void OnControl(ReadOnlySpan<byte> message)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
        {
            return;
        }
        if (header.SchemaId == ShmAttachRequestDecoder.SchemaId)
        {
            OnDriverMessage(message, header);
        }
        else if (header.SchemaId == ConsumerHelloDecoder.SchemaId && header.TemplateId == ConsumerHelloDecoder.TemplateId)
        {
            if (ConsumerHelloDecoder.TryWrap(message, out ConsumerHelloDecoder hello, out _))
            {
                _perConsumer.OnHello(hello);
            }
            else
            {
                _ctx.Counters.MalformedCount++;
            }
        }
        else if (header.SchemaId == Sbe.Discovery.DiscoveryRequestDecoder.SchemaId)
        {
            // Discovery §4.2: embedded discovery shares the control endpoint; decoding is gated on schemaId 910.
            _ctx.Discovery?.OnRequest(message);
        }
        // Everything else on the control stream (our own responses, announces, other schemas) is not for the driver.
    }

    private void OnDriverMessage(ReadOnlySpan<byte> message, SbeMessageHeader header)
    {
        switch (header.TemplateId)
        {
            case ShmAttachRequestDecoder.TemplateId:
                OnAttach(message, header);
                break;
            case ShmDetachRequestDecoder.TemplateId:
                if (Decode(message, header, out ShmDetachRequestDecoder detach))
                {
                    _leases.OnDetach(detach);
                }
                break;
            case ShmLeaseKeepaliveDecoder.TemplateId:
                if (Decode(message, header, out ShmLeaseKeepaliveDecoder keepalive))
                {
                    _leases.OnKeepalive(keepalive);
                }
                break;
            case ShmDriverShutdownRequestDecoder.TemplateId:
                if (ShmDriverShutdownRequestDecoder.TryWrap(message, out ShmDriverShutdownRequestDecoder request, out _))
                {
                    OnShutdownRequest(request);
                }
                else
                {
                    _ctx.Counters.MalformedCount++;
                }
                break;
        }
    }

    /// <summary>
    /// §4.4a: a request of a newer schema version is read as version 1 (SBE extends blocks, so its v1 fields are where
    /// v1 has them) and answered in version 1, the highest both sides speak; version 0 has no common version.
    /// </summary>
    private void OnAttach(ReadOnlySpan<byte> message, SbeMessageHeader header)
    {
        long correlationId = message.Length >= SbeMessageHeader.Size + 8 && header.BlockLength >= 8
            ? BinaryPrimitives.ReadInt64LittleEndian(message[SbeMessageHeader.Size..])
            : 0;
        bool readable = message.Length >= SbeMessageHeader.Size + 8 && header.BlockLength >= 8;
        if (header.Version == 0)
        {
            _ctx.Counters.MalformedCount++;
            if (readable)
            {
                _attach.OnUnsupportedVersion(correlationId, header.Version);
            }
            return;
        }
        ushort acting = Math.Min(header.Version, ShmAttachRequestDecoder.SchemaVersion);
        if (ShmAttachRequestDecoder.TryWrapBody(message[SbeMessageHeader.Size..], header.BlockLength, acting,
            out ShmAttachRequestDecoder request, out SbeRejectReason reason))
        {
            _attach.OnRequest(request);
            return;
        }
        _ctx.Counters.MalformedCount++;
        if (readable)
        {
            _attach.OnMalformed(correlationId, reason.ToString());
        }
    }

    /// <summary>§4.13: accepted only with the configured token (compared in constant time); anything else is ignored.</summary>
    private void OnShutdownRequest(in ShmDriverShutdownRequestDecoder request)
    {
        if (_shutdownToken.Length == 0 || !CryptographicOperations.FixedTimeEquals(request.Token, _shutdownToken))
        {
            _ctx.Counters.ShutdownRequestsRejectedCount++;
            DriverLog.ShutdownIgnored(_ctx.Log, request.CorrelationId,
                _shutdownToken.Length == 0 ? "no policies.shutdown_token is configured" : "wrong token");
            return;
        }
        BeginDrain(request.TryGetReason(out ShutdownReason reason) ? reason : ShutdownReason.Admin);
    }

    /// <summary>Decode a fixed-size request at the acting version (newer versions read as v1, §4.4a); count failures.</summary>
    private bool Decode(ReadOnlySpan<byte> message, SbeMessageHeader header, out ShmDetachRequestDecoder decoder)
    {
        decoder = default;
        bool ok = header.Version >= 1 && ShmDetachRequestDecoder.TryWrapBody(message[SbeMessageHeader.Size..], header.BlockLength,
            Math.Min(header.Version, ShmDetachRequestDecoder.SchemaVersion), out decoder, out _);
        if (!ok)
        {
            decoder = default;
            _ctx.Counters.MalformedCount++;
        }
        return ok;
    }

    private bool Decode(ReadOnlySpan<byte> message, SbeMessageHeader header, out ShmLeaseKeepaliveDecoder decoder)
    {
        decoder = default;
        bool ok = header.Version >= 1 && ShmLeaseKeepaliveDecoder.TryWrapBody(message[SbeMessageHeader.Size..], header.BlockLength,
            Math.Min(header.Version, ShmLeaseKeepaliveDecoder.SchemaVersion), out decoder, out _);
        if (!ok)
        {
            decoder = default;
            _ctx.Counters.MalformedCount++;
        }
        return ok;
    }

    private readonly struct ControlHandler(DriverConductor conductor) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => conductor.OnControl(message);
    }

    /// <summary>Discovery §6.4: the producers' DataSourceAnnounce and DataSourceMeta, for the embedded provider's index.</summary>
    private readonly struct MetadataHandler(DriverConductor conductor) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => conductor._ctx.Discovery?.OnDriverMessage(conductor._ctx.Identity!, message);
    }
}
