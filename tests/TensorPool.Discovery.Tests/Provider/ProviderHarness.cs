using System.Text;
using TensorPool.Discovery.Configuration;
using TensorPool.Discovery.Protocol;
using TensorPool.Sbe.Discovery;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using TensorPool.Testing;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Discovery.Tests.Provider;

/// <summary>
/// A provider on a loopback transport with a manual clock: the test feeds announces and metadata as a driver would,
/// sends requests as bytes, and reads every response published on the response endpoint.
/// </summary>
internal sealed class ProviderHarness : IDisposable
{
    public const string ResponseChannel = "tp:ipc?name=client";
    public const int ResponseStreamId = 7004;

    public static readonly DriverIdentity DriverA = new("driver-a", "tp:ipc?name=a", 1000);
    public static readonly DriverIdentity DriverB = new("driver-b", "tp:ipc?name=b", 1000);

    private readonly ISubscription _responses;
    private readonly List<byte[]> _received = [];

    public ProviderHarness(DiscoveryProviderOptions? options = null, Microsoft.Extensions.Logging.ILogger? log = null, int maxMessageLength = 1 << 20)
    {
        Transport = new LoopbackTransport(capacity: 4096, maxMessageLength: maxMessageLength);
        Provider = new DiscoveryProvider(Transport, options ?? new DiscoveryProviderOptions(), Clock, log);
        _responses = Transport.AddSubscription(ResponseChannel, ResponseStreamId);
    }

    public LoopbackTransport Transport { get; }

    public ManualClock Clock { get; } = new();

    public DiscoveryProvider Provider { get; }

    public DiscoveryProviderCounters Counters => Provider.Counters;

    /// <summary>When set, encoded driver messages go here instead of the provider (to feed another one).</summary>
    public Action<byte[]>? Sink { get; set; }

    /// <summary>A ShmPoolAnnounce of <paramref name="driver"/> (§10.1.1): one pool per stride, pool_nslots = header_nslots unless told.</summary>
    public void Announce(DriverIdentity driver, uint streamId, ulong epoch, uint producerId = 7, uint nslots = 16,
        uint[]? strides = null, uint? poolNslots = null, ushort slotBytes = 256)
    {
        strides ??= [1024];
        var buffer = new byte[8192];
        var a = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        a.StreamId = streamId;
        a.ProducerId = producerId;
        a.Epoch = epoch;
        a.AnnounceTimestampNs = (ulong)Clock.NanoTime();
        a.AnnounceClockDomain = ClockDomain.Monotonic;
        a.LayoutVersion = 1;
        a.HeaderNslots = nslots;
        a.HeaderSlotBytes = slotBytes;
        var pools = a.PayloadPoolsCount(strides.Length);
        for (int i = 0; i < strides.Length; i++)
        {
            pools.Next();
            pools.PoolId = (ushort)(i + 1);
            pools.PoolNslots = poolNslots ?? nslots;
            pools.StrideBytes = strides[i];
            pools.PutRegionUri($"shm:file?path=/dev/shm/tensorpool-u/ns/{streamId}/{epoch}/{i + 1}.pool".AsSpan());
        }
        a.PutHeaderRegionUri($"shm:file?path=/dev/shm/tensorpool-u/ns/{streamId}/{epoch}/header.ring".AsSpan());
        Feed(driver, buffer.AsSpan(0, a.EncodedLength));
    }

    /// <summary>DataSourceAnnounce (§10.3.1) with the name as raw bytes.</summary>
    public void DataSource(DriverIdentity driver, uint streamId, ulong epoch, byte[] name, uint metaVersion = 1)
    {
        var buffer = new byte[4096];
        var d = DataSourceAnnounceEncoder.WrapAndApplyHeader(buffer);
        d.StreamId = streamId;
        d.ProducerId = 7;
        d.Epoch = epoch;
        d.MetaVersion = metaVersion;
        d.PutName(name);
        d.PutSummary(ReadOnlySpan<byte>.Empty);
        Feed(driver, buffer.AsSpan(0, d.EncodedLength));
    }

    public void DataSource(DriverIdentity driver, uint streamId, ulong epoch, string name, uint metaVersion = 1) =>
        DataSource(driver, streamId, epoch, Encoding.ASCII.GetBytes(name), metaVersion);

    /// <summary>DataSourceMeta (§10.3.2) with text attributes.</summary>
    public void Meta(DriverIdentity driver, uint streamId, uint metaVersion, params (string Key, string Value)[] attributes)
    {
        var buffer = new byte[8192];
        var m = DataSourceMetaEncoder.WrapAndApplyHeader(buffer);
        m.StreamId = streamId;
        m.MetaVersion = metaVersion;
        m.TimestampNs = 1;
        var group = m.AttributesCount(attributes.Length);
        foreach ((string key, string value) in attributes)
        {
            group.Next();
            group.PutKey(key.AsSpan());
            group.PutFormat("text/plain".AsSpan());
            group.PutValue(Encoding.ASCII.GetBytes(value));
        }
        Feed(driver, buffer.AsSpan(0, m.EncodedLength));
    }

    private void Feed(DriverIdentity driver, ReadOnlySpan<byte> message)
    {
        if (Sink is { } sink)
        {
            sink(message.ToArray());
            return;
        }
        Provider.OnDriverMessage(driver, message);
    }

    /// <summary>A named stream with tags in the current metadata (announce, DataSourceAnnounce, DataSourceMeta).</summary>
    public void Stream(DriverIdentity driver, uint streamId, ulong epoch, string name, string tags = "", ulong? dataSourceId = null)
    {
        Announce(driver, streamId, epoch);
        DataSource(driver, streamId, epoch, name, metaVersion: 3);
        var attributes = new List<(string, string)> { ("tags", tags) };
        if (dataSourceId is { } id)
        {
            attributes.Add(("data_source_id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        Meta(driver, streamId, 3, [.. attributes]);
    }

    /// <summary>Encode a request; <paramref name="edit"/> may change anything before the var data is written.</summary>
    public static byte[] EncodeRequest(ulong requestId = 42, uint clientId = 5, uint? streamId = null, uint? producerId = null,
        ulong? dataSourceId = null, string[]? tags = null, byte[]? name = null, string responseChannel = ResponseChannel,
        uint responseStreamId = ResponseStreamId)
    {
        var buffer = new byte[64 * 1024];
        var r = DiscoveryRequestEncoder.WrapAndApplyHeader(buffer);
        r.RequestId = requestId;
        r.ClientId = clientId;
        r.ResponseStreamId = responseStreamId;
        r.StreamId = streamId;
        r.ProducerId = producerId;
        r.DataSourceId = dataSourceId;
        tags ??= [];
        var group = r.TagsCount(tags.Length);
        foreach (string tag in tags)
        {
            group.Next();
            group.PutTag(Encoding.Latin1.GetBytes(tag));
        }
        r.PutResponseChannel(Encoding.Latin1.GetBytes(responseChannel));
        r.PutDataSourceName(name ?? []);
        return buffer.AsSpan(0, r.EncodedLength).ToArray();
    }

    /// <summary>Send a request and return the responses published on the response endpoint (normally one).</summary>
    public List<Response> Request(byte[] request)
    {
        Provider.OnRequest(request);
        return Drain();
    }

    public List<Response> Request(uint? streamId = null, uint? producerId = null, ulong? dataSourceId = null, string[]? tags = null,
        string? name = null, uint clientId = 5, ulong requestId = 42) =>
        Request(EncodeRequest(requestId, clientId, streamId, producerId, dataSourceId, tags, name is null ? null : Encoding.Latin1.GetBytes(name)));

    /// <summary>One response (asserts there is exactly one).</summary>
    public Response Single(uint? streamId = null, uint? producerId = null, ulong? dataSourceId = null, string[]? tags = null,
        string? name = null, uint clientId = 5)
    {
        List<Response> responses = Request(streamId, producerId, dataSourceId, tags, name, clientId);
        Assert.That(responses, Has.Count.EqualTo(1), "exactly one response on the response endpoint");
        return responses[0];
    }

    /// <summary>Everything published on (channel, stream) since the last call.</summary>
    public List<Response> Drain(ISubscription? subscription = null)
    {
        var result = new List<Response>();
        while ((subscription ?? _responses).Poll(m => result.Add(Response.Decode(m)), 1000) > 0)
        {
        }
        return result;
    }

    public void Dispose()
    {
        Provider.Dispose();
        _responses.Dispose();
        Transport.Dispose();
    }

    /// <summary>A decoded response for assertions (and its raw bytes).</summary>
    internal sealed record Response(ulong RequestId, DiscoveryStatus Status, string ErrorMessage, int ResultCount, List<Result> Results, byte[] Bytes)
    {
        public static Response Decode(ReadOnlySpan<byte> message)
        {
            Assert.That(DiscoveryResponseDecoder.TryWrap(message, out DiscoveryResponseDecoder d, out var reason), Is.True, reason.ToString());
            var results = new List<Result>();
            foreach (DiscoveryResponseDecoder.ResultsDecoder r in d.Results)
            {
                var pools = new List<(ushort, uint, uint, string)>();
                foreach (DiscoveryResponseDecoder.ResultsDecoder.PayloadPoolsDecoder p in r.PayloadPools)
                {
                    pools.Add((p.PoolId, p.PoolNslots, p.StrideBytes, p.GetRegionUriString()));
                }
                var tags = new List<string>();
                foreach (DiscoveryResponseDecoder.ResultsDecoder.TagsDecoder t in r.Tags)
                {
                    tags.Add(Encoding.Latin1.GetString(t.Tag));
                }
                results.Add(new Result(r.StreamId, r.ProducerId, r.Epoch, r.LayoutVersion, r.HeaderNslots, r.HeaderSlotBytes, r.MaxDims,
                    r.DataSourceId, pools, tags, r.GetHeaderRegionUriString(), r.DataSourceName.ToArray(), r.GetDriverInstanceIdString(),
                    r.GetDriverControlChannelString(), r.DriverControlStreamId));
            }
            return new Response(d.RequestId, d.Status, d.GetErrorMessageString(), d.Results.Count, results, message.ToArray());
        }
    }

    internal sealed record Result(uint StreamId, uint ProducerId, ulong Epoch, uint LayoutVersion, uint HeaderNslots, ushort HeaderSlotBytes,
        byte MaxDims, ulong? DataSourceId, List<(ushort PoolId, uint PoolNslots, uint StrideBytes, string Uri)> Pools, List<string> Tags,
        string HeaderRegionUri, byte[] Name, string DriverInstanceId, string DriverControlChannel, uint DriverControlStreamId);
}
