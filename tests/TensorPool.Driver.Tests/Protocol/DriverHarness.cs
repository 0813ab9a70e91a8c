using TensorPool.Driver.Configuration;
using TensorPool.Sbe;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;
using TensorPool.Testing;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Driver.Tests.Protocol;

/// <summary>
/// An embedded driver in invoker mode on a <see cref="ManualClock"/>, over tp:ipc in a private directory, with a raw
/// client on its control stream: tests send request bytes, run duty cycles and read every message the driver sent.
/// </summary>
internal sealed class DriverHarness : IDisposable
{
    public const uint Stream = 10000;
    public const int ControlStream = 1000;

    private readonly TpIpcTransport _client;
    private readonly TpIpcPublication _requests;
    private readonly TpIpcSubscription _control;
    private readonly byte[] _buffer = new byte[1024];
    private readonly List<byte[]> _received = [];
    private TensorPoolDriver? _driver;

    public DriverHarness(Action<DriverOptions>? configure = null, TempDirectory? dir = null, ManualClock? clock = null)
    {
        Dir = dir ?? new TempDirectory();
        OwnsDir = dir is null;
        Clock = clock ?? new ManualClock(5_000_000_000L);
        Options = new DriverOptions
        {
            ShmBaseDir = Path.Combine(Dir.Path, "shm"),
            IpcBaseDir = Path.Combine(Dir.Path, "ipc"),
            Namespace = "t",
            PermissionsMode = "600",
            Clock = Clock,
            ThreadingMode = DriverThreadingMode.Invoker,
            Profiles = [new ProfileDefinition("p", 8, [new PayloadPoolDefinition(1, 64), new PayloadPoolDefinition(2, 256)])],
            Streams = [new StreamDefinition("s", Stream)],
        };
        configure?.Invoke(Options);
        _client = new TpIpcTransport(new TpIpcOptions { BaseDir = Options.IpcBaseDir, Namespace = Options.Namespace });
        _control = _client.AddSubscription(Options.ControlChannel, (int)Options.ControlStreamId);
        _requests = _client.AddPublication(Options.ControlChannel, (int)Options.ControlStreamId);
        Announces = Options.EffectiveAnnounceStreamId == Options.ControlStreamId
            ? null
            : _client.AddSubscription(Options.EffectiveAnnounceChannel, (int)Options.EffectiveAnnounceStreamId);
    }

    public TempDirectory Dir { get; }

    public bool OwnsDir { get; }

    public ManualClock Clock { get; }

    public DriverOptions Options { get; }

    public TensorPoolDriver Driver => _driver ??= TensorPoolDriver.Start(Options);

    public TpIpcSubscription? Announces { get; }

    public TpIpcTransport ClientTransport => _client;

    /// <summary>Every message read from the control (and announce) stream so far, in order.</summary>
    public IReadOnlyList<byte[]> Received => _received;

    public TensorPoolDriver Start() => Driver;

    /// <summary>Run duty cycles until nothing more happens, then collect what the driver sent.</summary>
    public void Pump(int cycles = 4)
    {
        for (int i = 0; i < cycles; i++)
        {
            Driver.DoWork();
        }
        Collect();
    }

    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        Pump();
    }

    public void Collect()
    {
        _control.Poll(m => _received.Add(m.ToArray()), 1000);
        Announces?.Poll(m => _received.Add(m.ToArray()), 1000);
    }

    /// <summary>Offer without asserting (NUnit's constraints allocate): for allocation measurements.</summary>
    public long SendRaw(ReadOnlySpan<byte> message) => _requests.Offer(message);

    /// <summary>Offer a message on the control stream (the driver is started first: it joins the stream at its tail).</summary>
    public void Send(ReadOnlySpan<byte> message)
    {
        _ = Driver;
        Assert.That(_requests.Offer(message), Is.GreaterThanOrEqualTo(0));
    }

    public byte[] AttachBytes(long correlationId, uint clientId, Role role, uint stream = Stream, PublishMode? mode = PublishMode.ExistingOrCreate,
        HugepagesPolicy hugepages = HugepagesPolicy.Unspecified, uint expectedLayout = 0, uint? desiredNode = null)
    {
        var e = ShmAttachRequestEncoder.WrapAndApplyHeader(_buffer);
        e.CorrelationId = correlationId;
        e.StreamId = stream;
        e.ClientId = clientId;
        e.Role = role;
        e.ExpectedLayoutVersion = expectedLayout;
        e.PublishMode = mode;
        e.RequireHugepages = hugepages;
        e.DesiredNodeId = desiredNode;
        return _buffer.AsSpan(0, e.EncodedLength).ToArray();
    }

    /// <summary>Send an attach request, run the driver, return the response with that correlation id.</summary>
    public byte[] Attach(long correlationId, uint clientId, Role role, uint stream = Stream, PublishMode? mode = PublishMode.ExistingOrCreate,
        HugepagesPolicy hugepages = HugepagesPolicy.Unspecified, uint expectedLayout = 0, uint? desiredNode = null)
    {
        Send(AttachBytes(correlationId, clientId, role, stream, mode, hugepages, expectedLayout, desiredNode));
        Pump();
        return Single(ShmAttachResponseDecoder.TemplateId, correlationId);
    }

    public void Keepalive(ulong leaseId, uint clientId, Role role, uint stream = Stream)
    {
        var k = ShmLeaseKeepaliveEncoder.WrapAndApplyHeader(_buffer);
        k.LeaseId = leaseId;
        k.StreamId = stream;
        k.ClientId = clientId;
        k.Role = role;
        k.ClientTimestampNs = (ulong)Clock.NanoTime();
        Send(_buffer.AsSpan(0, k.EncodedLength));
        Pump();
    }

    public byte[] DetachBytes(long correlationId, ulong leaseId, uint clientId, Role role, uint stream = Stream)
    {
        var d = ShmDetachRequestEncoder.WrapAndApplyHeader(_buffer);
        d.CorrelationId = correlationId;
        d.LeaseId = leaseId;
        d.StreamId = stream;
        d.ClientId = clientId;
        d.Role = role;
        return _buffer.AsSpan(0, d.EncodedLength).ToArray();
    }

    public byte[] Detach(long correlationId, ulong leaseId, uint clientId, Role role, uint stream = Stream)
    {
        Send(DetachBytes(correlationId, leaseId, clientId, role, stream));
        Pump();
        return Single(ShmDetachResponseDecoder.TemplateId, correlationId);
    }

    public void ShutdownRequest(string token, ShutdownReason reason = ShutdownReason.Admin)
    {
        var s = ShmDriverShutdownRequestEncoder.WrapAndApplyHeader(_buffer);
        s.CorrelationId = 77;
        s.Reason = reason;
        s.PutToken(token.AsSpan());
        s.PutErrorMessage("test".AsSpan());
        Send(_buffer.AsSpan(0, s.EncodedLength));
        Pump();
    }

    /// <summary>The messages of schema <paramref name="schemaId"/>, template <paramref name="templateId"/>, in order.</summary>
    public List<byte[]> OfType(ushort schemaId, ushort templateId) =>
        [.. _received.Where(m => SbeMessageHeader.TryRead(m, out SbeMessageHeader h) && h.SchemaId == schemaId && h.TemplateId == templateId)];

    public List<byte[]> Announcements() => OfType(ShmPoolAnnounceDecoder.SchemaId, ShmPoolAnnounceDecoder.TemplateId);

    public List<byte[]> Revocations() => OfType(ShmLeaseRevokedDecoder.SchemaId, ShmLeaseRevokedDecoder.TemplateId);

    public List<byte[]> AttachResponses() => OfType(ShmAttachResponseDecoder.SchemaId, ShmAttachResponseDecoder.TemplateId);

    /// <summary>The one driver message of a template whose correlationId (first block field) is <paramref name="correlationId"/>.</summary>
    public byte[] Single(ushort templateId, long correlationId)
    {
        var matches = OfType(901, templateId)
            .Where(m => BitConverter.ToInt64(m, SbeMessageHeader.Size) == correlationId).ToList();
        Assert.That(matches, Has.Count.EqualTo(1), $"template {templateId} with correlationId {correlationId}");
        return matches[0];
    }

    public static ShmAttachResponseDecoder Response(byte[] bytes)
    {
        Assert.That(ShmAttachResponseDecoder.TryWrap(bytes, out ShmAttachResponseDecoder d, out SbeRejectReason why), Is.True, why.ToString());
        return d;
    }

    /// <summary>An OK attach's lease id (asserting OK).</summary>
    public ulong Lease(byte[] response)
    {
        ShmAttachResponseDecoder r = Response(response);
        Assert.That(r.Code, Is.EqualTo(ResponseCode.Ok), r.GetErrorMessageString());
        return r.LeaseId!.Value;
    }

    public void Dispose()
    {
        _driver?.Dispose();
        _requests.Dispose();
        _control.Dispose();
        Announces?.Dispose();
        _client.Dispose();
        if (OwnsDir)
        {
            Dir.Dispose();
        }
    }
}
