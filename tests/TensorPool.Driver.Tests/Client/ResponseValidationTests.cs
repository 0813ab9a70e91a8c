using TensorPool.Driver.Tests.Protocol;
using TensorPool.DriverClient;
using TensorPool.Sbe.Driver;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;

namespace TensorPool.Driver.Tests.Client;

/// <summary>
/// The client against a scripted driver: every rule of an OK response (§4.2, §4.7a), duplicates (B.1) and client id
/// collisions (B.2).
/// </summary>
public sealed class ResponseValidationTests
{
    private const string Dir = "/dev/shm/x";
    private static readonly string HeaderUri = $"shm:file?path={Dir}/header.ring|require_hugepages=false";
    private static readonly string PoolUri = $"shm:file?path={Dir}/1.pool|require_hugepages=false";

    /// <summary>The last attach request the client sent: (correlation id, client id).</summary>
    internal static (long CorrelationId, uint ClientId) LastRequest(ClientHarness c)
    {
        c.Pump();
        byte[] r = c.Driver.OfType(901, ShmAttachRequestDecoder.TemplateId)[^1];
        Assert.That(ShmAttachRequestDecoder.TryWrap(r, out var d), Is.True);
        return (d.CorrelationId, d.ClientId);
    }

    /// <summary>Send a scripted ShmAttachResponse (OK with lease 77 unless edited), then pump the client unless told not to.</summary>
    internal static void Respond(ClientHarness c, long correlationId, Action<ShmAttachResponseEncoderBox>? edit = null,
        ResponseCode code = ResponseCode.Ok, string error = "", bool pump = true)
    {
        var box = new ShmAttachResponseEncoderBox { CorrelationId = correlationId, Code = code, Error = error };
        edit?.Invoke(box);
        byte[] buffer = new byte[2048];
        var e = ShmAttachResponseEncoder.WrapAndApplyHeader(buffer);
        e.CorrelationId = box.CorrelationId;
        e.Code = box.Code;
        if (box.Code == ResponseCode.Ok)
        {
            e.LeaseId = box.LeaseId;
            e.LeaseExpiryTimestampNs = (ulong)(c.Driver.Clock.NanoTime() + 3_000_000_000L);
            e.StreamId = box.StreamId;
            e.Epoch = box.Epoch;
            e.LayoutVersion = box.LayoutVersion;
            e.HeaderNslots = box.HeaderNslots;
            e.HeaderSlotBytes = box.HeaderSlotBytes;
        }
        var pools = e.PayloadPoolsCount(box.Pools.Count);
        foreach ((ushort id, uint nslots, uint stride, string uri) in box.Pools)
        {
            pools.Next();
            pools.PoolId = id;
            pools.PoolNslots = nslots;
            pools.StrideBytes = stride;
            pools.PutRegionUri(uri.AsSpan());
        }
        e.PutHeaderRegionUri(box.HeaderUri.AsSpan());
        e.PutErrorMessage(box.Error.AsSpan());
        Assert.That(c.Driver.SendRaw(buffer.AsSpan(0, e.EncodedLength)), Is.GreaterThanOrEqualTo(0));
        if (pump)
        {
            c.Pump();
        }
    }

    internal static ClientHarness Scripted() => new(startDriver: false) { DriverRunning = false };

    [Test]
    public void Valid_scripted_response_is_granted()
    {
        using var c = Scripted();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events);
        Respond(c, LastRequest(c).CorrelationId);
        Assert.That(task.IsCompletedSuccessfully, Is.True);
        Assert.That(task.Result.Grant!.LeaseId, Is.EqualTo(77UL));
    }

    private static readonly (string Name, Action<ShmAttachResponseEncoderBox> Edit)[] Broken =
    [
        ("null leaseId", b => b.LeaseId = null),
        ("null epoch", b => b.Epoch = null),
        ("null streamId", b => b.StreamId = null),
        ("null layoutVersion", b => b.LayoutVersion = null),
        ("null headerNslots", b => b.HeaderNslots = null),
        ("null headerSlotBytes", b => b.HeaderSlotBytes = null),
        ("headerSlotBytes 128", b => b.HeaderSlotBytes = 128),
        ("layoutVersion 2", b => b.LayoutVersion = 2),
        ("empty pools", b => b.Pools.Clear()),
        ("pool nslots mismatch", b => b.Pools[0] = (1, 16, 64, PoolUri)),
        ("pool stride 100", b => b.Pools[0] = (1, 8, 100, PoolUri)),
        ("empty header uri", b => b.HeaderUri = ""),
        ("blank header uri", b => b.HeaderUri = "   "),
        ("empty pool uri", b => b.Pools[0] = (1, 8, 64, "")),
        ("not a shm:file uri", b => b.HeaderUri = "file:///dev/shm/x"),
        ("relative path", b => b.HeaderUri = "shm:file?path=dev/shm/x"),
        ("another stream", b => b.StreamId = 4242),
        ("nslots not a power of two", b => { b.HeaderNslots = 6; b.Pools[0] = (1, 6, 64, PoolUri); }),
    ];

    private static IEnumerable<TestCaseData> BrokenCases() => Broken.Select(b => new TestCaseData(b.Name).SetName("Protocol_error_fails_closed_4_7a_" + b.Name.Replace(' ', '_')));

    [TestCaseSource(nameof(BrokenCases))]
    public void Protocol_error_fails_closed_and_reattaches(string name)
    {
        Action<ShmAttachResponseEncoderBox> edit = Broken.Single(b => b.Name == name).Edit;
        using var c = Scripted();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events);
        (long first, _) = LastRequest(c);
        Respond(c, first, edit);
        Assert.That(task.IsCompleted, Is.False, "not granted");
        Assert.That(c.Connection.ProtocolErrors, Is.EqualTo(1));
        Assert.That(c.Events.Log, Is.Empty, "nothing mapped");
        if (name is not ("null leaseId" or "null streamId"))
        {
            Assert.That(c.Driver.OfType(901, ShmDetachRequestDecoder.TemplateId), Has.Count.EqualTo(1), "the lease is given back");
        }
        c.Advance(TimeSpan.FromMilliseconds(200), steps: 4);
        (long second, _) = LastRequest(c);
        Assert.That(second, Is.Not.EqualTo(first), "a new attempt with a new correlation id");
        Respond(c, second);
        Assert.That(task.IsCompletedSuccessfully, Is.True, "granted on the valid response");
    }

    [Test]
    public void Duplicates_after_an_accepted_ok_are_ignored_B_1()
    {
        using var c = Scripted();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events);
        long id = LastRequest(c).CorrelationId;
        Respond(c, id);
        Respond(c, id, b => b.LeaseId = 999);
        Respond(c, id, code: ResponseCode.Rejected, error: "late refusal");
        Assert.That(task.Result.Grant!.LeaseId, Is.EqualTo(77UL));
        Assert.That(task.Result.State, Is.EqualTo(DriverLeaseState.Attached));
        Assert.That(c.Events.Count("attached"), Is.EqualTo(1));
    }

    [Test]
    public void Responses_to_other_correlation_ids_are_ignored_B_1()
    {
        using var c = Scripted();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events);
        long id = LastRequest(c).CorrelationId;
        Respond(c, id + 1);
        Respond(c, id - 1, code: ResponseCode.Rejected, error: "not yours");
        Assert.That(task.IsCompleted, Is.False);
    }

    [Test]
    public void Auto_assigned_client_id_is_replaced_after_a_collision_B_2()
    {
        using var c = Scripted();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events);
        (long id, uint client) = LastRequest(c);
        Assert.That(client, Is.Not.Zero);
        Respond(c, id, code: ResponseCode.Rejected, error: "client_id already attached");
        c.Advance(TimeSpan.FromMilliseconds(200), steps: 4);
        (long id2, uint client2) = LastRequest(c);
        Assert.That(client2, Is.Not.EqualTo(client).And.Not.Zero);
        Respond(c, id2);
        Assert.That(task.Result.ClientId, Is.EqualTo(client2));
    }

    [Test]
    public void Explicit_client_id_collision_fails_the_attach()
    {
        using var c = Scripted();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer() with { ClientId = 5 }, c.Events);
        (long id, uint client) = LastRequest(c);
        Assert.That(client, Is.EqualTo(5));
        Respond(c, id, code: ResponseCode.Rejected, error: "client_id already attached");
        Assert.That(task.IsFaulted, Is.True);
    }

    [Test]
    public void Response_of_a_newer_schema_version_is_rejected_4_4a()
    {
        using var c = Scripted();
        Task<DriverLease> task = c.Connection.AttachAsync(ClientHarness.Consumer(), c.Events);
        long id = LastRequest(c).CorrelationId;
        byte[] buffer = new byte[2048];
        var e = ShmAttachResponseEncoder.WrapAndApplyHeader(buffer);
        e.CorrelationId = id;
        e.Code = ResponseCode.Ok;
        e.PayloadPoolsCount(0);
        byte[] bytes = buffer[..e.EncodedLength];
        BitConverter.TryWriteBytes(bytes.AsSpan(6), (ushort)2);
        c.Driver.SendRaw(bytes);
        c.Pump();
        Assert.That(task.IsCompleted, Is.False);
        Assert.That(c.Connection.MalformedMessages, Is.EqualTo(1));
    }

    /// <summary>The fields of a scripted response (the encoder is a ref struct; tests edit this instead).</summary>
    internal sealed class ShmAttachResponseEncoderBox
    {
        public long CorrelationId { get; set; }
        public ResponseCode Code { get; set; }
        public ulong? LeaseId { get; set; } = 77;
        public uint? StreamId { get; set; } = DriverHarness.Stream;
        public ulong? Epoch { get; set; } = 5;
        public uint? LayoutVersion { get; set; } = 1;
        public uint? HeaderNslots { get; set; } = 8;
        public ushort? HeaderSlotBytes { get; set; } = 256;
        public string HeaderUri { get; set; } = ResponseValidationTests.HeaderUri;
        public List<(ushort, uint, uint, string)> Pools { get; } = [(1, 8, 64, PoolUri)];
        public string Error { get; set; } = "";
    }
}
