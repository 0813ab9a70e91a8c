using System.Buffers.Binary;
using TensorPool.Discovery.Configuration;
using TensorPool.Discovery.Protocol;
using TensorPool.Sbe.Discovery;
using TensorPool.Testing;
using TensorPool.Transport;
using static TensorPool.Discovery.Tests.Provider.ProviderHarness;

namespace TensorPool.Discovery.Tests.Provider;

/// <summary>
/// Bad input (discovery spec §5.1, §10): every malformed request shape gets what the spec requires — dropped without
/// a response when nothing can be answered (no readable endpoint, an empty channel), ERROR on the endpoint when one
/// is readable — and never an exception; the provider answers the next good request.
/// </summary>
public sealed class MalformedRequestTests
{
    /// <summary>Where the tags group starts: header 8, block 32 (requestId 8, clientId 4, responseStreamId 4, streamId 4, producerId 4, dataSourceId 8).</summary>
    private const int TagsGroup = 8 + 32;

    public enum Outcome
    {
        Dropped,
        Error,
    }

    private static readonly (string Name, Func<byte[]> Bytes, Outcome Outcome, string? Message)[] Shapes =
    [
        ("truncated header", () => EncodeRequest()[..7], Outcome.Dropped, null),
        ("header only", () => EncodeRequest()[..8], Outcome.Dropped, null),
        ("truncated block", () => EncodeRequest()[..20], Outcome.Dropped, null),
        ("block length smaller than version 1", () => With(EncodeRequest(), 0, (ushort)20), Outcome.Dropped, null),
        ("tags count beyond the buffer", () => With(EncodeRequest(), TagsGroup + 2, (ushort)500), Outcome.Dropped, null),
        ("tag length beyond the buffer", () => With32(EncodeRequest(tags: ["abc"]), TagsGroup + 4, 100_000), Outcome.Dropped, null),
        ("response channel length beyond the buffer", () => With32(EncodeRequest(), TagsGroup + 4, 1_000_000), Outcome.Dropped, null),
        ("var length over the schema maximum", () => With32(EncodeRequest(), TagsGroup + 4, 0x7fff_ffff), Outcome.Dropped, null),
        ("cut inside the name", () => EncodeRequest(name: "abcdefgh"u8.ToArray())[..^3], Outcome.Dropped, null),
        ("empty response channel", () => EncodeRequest(responseChannel: ""), Outcome.Dropped, null),
        ("empty response channel and stream id 0", () => EncodeRequest(responseChannel: "", responseStreamId: 0), Outcome.Dropped, null),
        ("version 0", () => With(EncodeRequest(), 6, (ushort)0), Outcome.Dropped, null),
        ("response channel of control characters", () => EncodeRequest(responseChannel: "tp:ipc\n\u0001"), Outcome.Dropped, null),
        ("response stream id 0", () => EncodeRequest(responseStreamId: 0), Outcome.Error, "response_stream_id"),
        ("name longer than 1024 bytes", () => EncodeRequest(name: new byte[1025]), Outcome.Error, "data_source_name"),
        ("tag longer than 256 bytes", () => EncodeRequest(tags: [new string('t', 257)]), Outcome.Error, "tag"),
        ("more than 64 distinct tags", () => EncodeRequest(tags: [.. Enumerable.Range(0, 65).Select(i => "t" + i)]), Outcome.Error, "64"),
        ("version 2", () => With(EncodeRequest(), 6, (ushort)2), Outcome.Error, "version 2"),
    ];

    private static IEnumerable<TestCaseData> Cases() =>
        Shapes.Select(s => new TestCaseData(s.Name).SetName("Malformed_request_5_1_" + s.Name.Replace(' ', '_') + "_is_" + s.Outcome));

    [TestCaseSource(nameof(Cases))]
    public void Every_malformed_request_shape_gets_the_status_the_spec_requires_5_1(string name)
    {
        (_, Func<byte[]> bytes, Outcome outcome, string? message) = Shapes.Single(s => s.Name == name);
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5);
        var zero = h.Transport.AddSubscription(ResponseChannel, 0);
        List<Response> responses = [];
        Assert.DoesNotThrow(() => responses = h.Request(bytes()));
        responses.AddRange(h.Drain(zero));
        if (outcome == Outcome.Dropped)
        {
            Assert.That(responses, Is.Empty, "nothing is answered");
        }
        else
        {
            Response r = responses.Single();
            Assert.That((r.Status, r.ResultCount), Is.EqualTo((DiscoveryStatus.Error, 0)));
            Assert.That(r.ErrorMessage, Does.Contain(message));
        }
        Assert.That(h.Single().Results, Has.Count.EqualTo(1), "the next good request is answered");
    }

    [Test]
    public void Trailing_bytes_after_a_request_are_ignored_as_SBE_does()
    {
        using var h = new ProviderHarness();
        h.Announce(DriverA, 10000, epoch: 5);
        byte[] request = [.. EncodeRequest(), .. new byte[] { 1, 2, 3, 4 }];
        Assert.That(h.Request(request).Single().Results, Has.Count.EqualTo(1));
    }

    [Test]
    public void Every_truncation_and_many_byte_flips_never_throw()
    {
        using var h = new ProviderHarness();
        h.Stream(DriverA, 10000, epoch: 5, "front", tags: "camera");
        byte[] good = EncodeRequest(tags: ["camera", "rgb"], name: "front"u8.ToArray(), streamId: 10000);
        for (int n = 0; n < good.Length; n++)
        {
            Assert.DoesNotThrow(() => h.Provider.OnRequest(good.AsSpan(0, n)));
        }
        var random = new Random(1234);
        for (int i = 0; i < 5000; i++)
        {
            byte[] bad = (byte[])good.Clone();
            bad[random.Next(bad.Length)] = (byte)random.Next(256);
            Assert.DoesNotThrow(() => h.Provider.OnRequest(bad));
        }
        h.Drain();
        Assert.That(h.Single(streamId: 10000).Results, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_response_endpoint_the_transport_refuses_is_counted_and_dropped()
    {
        using var dir = new TempDirectory();
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = dir.Path, Namespace = "t" });
        using var provider = new DiscoveryProvider(transport, new DiscoveryProviderOptions());
        foreach (string channel in new[] { "not a channel", "aeron:udp?endpoint=x:1", "tp:ipc?name=../escape", "tp:ipc?bogus=1", "udp://x" })
        {
            Assert.DoesNotThrow(() => provider.OnRequest(EncodeRequest(responseChannel: channel)));
        }
        Assert.That(provider.Counters.EndpointsRefused, Is.EqualTo(5));
        Assert.That(provider.OpenResponseEndpoints, Is.Zero);
    }

    [Test]
    public void Response_endpoints_are_bounded_least_recently_used_first()
    {
        using var h = new ProviderHarness(new DiscoveryProviderOptions { MaxResponseEndpoints = 4, NewResponseEndpointsPerSecond = 1000 });
        for (uint s = 1; s <= 10; s++)
        {
            h.Request(EncodeRequest(responseStreamId: s));
            h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.That(h.Provider.OpenResponseEndpoints, Is.EqualTo(4));
    }

    [Test]
    public void New_response_endpoints_are_rate_limited_and_known_ones_still_answered()
    {
        using var h = new ProviderHarness(new DiscoveryProviderOptions { NewResponseEndpointsPerSecond = 5 });
        h.Single(); // the usual endpoint is open
        for (uint s = 1; s <= 20; s++)
        {
            h.Request(EncodeRequest(responseStreamId: 100 + s));
        }
        Assert.That(h.Counters.EndpointsThrottled, Is.EqualTo(16), "5 new endpoints a second: the one above and 4 more");
        Assert.That(h.Single().Status, Is.EqualTo(DiscoveryStatus.Ok), "an open endpoint is not throttled");
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Request(EncodeRequest(responseStreamId: 500));
        Assert.That(h.Counters.EndpointsThrottled, Is.EqualTo(16), "a second later new endpoints open again");
    }

    private static byte[] With(byte[] message, int offset, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(offset), value);
        return message;
    }

    private static byte[] With32(byte[] message, int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(offset), value);
        return message;
    }
}
