using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TensorPool.Discovery.Configuration;
using TensorPool.Discovery.Hosting;
using TensorPool.Sbe.Discovery;
using TensorPool.Testing;
using TensorPool.Transport;
using static TensorPool.Discovery.Tests.Provider.ProviderHarness;

namespace TensorPool.Discovery.Tests.Provider;

/// <summary>The standalone registry (discovery spec §8) on a loopback transport, its thread running; waits bounded.</summary>
public sealed class RegistryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static DiscoveryRegistryOptions Options(LoopbackTransport transport) => new()
    {
        Transport = transport,
        RequestChannel = "tp:ipc?name=reg",
        RequestStreamId = 7000,
        Drivers =
        [
            new DriverSourceOptions { InstanceId = "driver-a", ControlChannel = "tp:ipc?name=a", ControlStreamId = 1000 },
            new DriverSourceOptions
            {
                InstanceId = "driver-b", ControlChannel = "tp:ipc?name=b", ControlStreamId = 1000,
                AnnounceChannel = "tp:ipc?name=b", AnnounceStreamId = 1001, StreamTags = new Dictionary<uint, IReadOnlyList<string>> { [10000] = ["b-tag"] },
            },
        ],
    };

    /// <summary>Re-send <paramref name="feed"/> and a request until the answer satisfies <paramref name="done"/>.</summary>
    private static Response Until(LoopbackTransport t, ISubscription responses, Action feed, Func<Response, bool> done, byte[]? request = null)
    {
        using IPublication requests = t.AddPublication("tp:ipc?name=reg", 7000);
        DateTime deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            feed();
            requests.Offer(request ?? EncodeRequest());
            Thread.Sleep(20);
            Response? last = null;
            responses.Poll(m => last = Response.Decode(m), 100);
            if (last is not null && done(last))
            {
                return last;
            }
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"last answer {last?.Status} with {last?.ResultCount} result(s)");
        }
    }

    [Test]
    public void A_registry_indexes_each_driver_from_its_own_endpoints_and_names_its_authority_8()
    {
        using var t = new LoopbackTransport(maxMessageLength: 1 << 20);
        using DiscoveryRegistry registry = DiscoveryRegistry.Start(Options(t));
        ISubscription responses = t.AddSubscription(ResponseChannel, ResponseStreamId);
        using IPublication announceA = t.AddPublication("tp:ipc?name=a", 1000);
        using IPublication announceB = t.AddPublication("tp:ipc?name=b", 1001);
        using IPublication wrongB = t.AddPublication("tp:ipc?name=b", 1000);
        byte[] a = Encoded(h => h.Announce(DriverA, 10000, epoch: 5));
        byte[] b = Encoded(h => h.Announce(DriverB, 10000, epoch: 9));
        byte[] stray = Encoded(h => h.Announce(DriverB, 20000, epoch: 1));
        Response r = Until(t, responses, () =>
        {
            announceA.Offer(a);
            announceB.Offer(b);
            wrongB.Offer(stray); // driver b's control stream is not its announce endpoint here
        }, x => x.ResultCount == 2);
        Assert.That(r.Results.Select(x => (x.DriverInstanceId, x.DriverControlChannel, x.StreamId, x.Epoch, string.Join(",", x.Tags))),
            Is.EqualTo(new[] { ("driver-a", "tp:ipc?name=a", 10000u, 5ul, ""), ("driver-b", "tp:ipc?name=b", 10000u, 9ul, "b-tag") }));
        Assert.That(registry.Counters.AnsweredOk, Is.Positive);
    }

    [Test]
    public void A_drivers_ShmDriverShutdown_removes_its_streams_from_the_registry_6_3()
    {
        using var t = new LoopbackTransport(maxMessageLength: 1 << 20);
        using DiscoveryRegistry registry = DiscoveryRegistry.Start(Options(t));
        ISubscription responses = t.AddSubscription(ResponseChannel, ResponseStreamId);
        using IPublication controlA = t.AddPublication("tp:ipc?name=a", 1000);
        byte[] a = Encoded(h => h.Announce(DriverA, 10000, epoch: 5));
        Until(t, responses, () => controlA.Offer(a), x => x.ResultCount == 1);
        var buffer = new byte[128];
        var s = Sbe.Driver.ShmDriverShutdownEncoder.WrapAndApplyHeader(buffer);
        s.Reason = Sbe.Driver.ShutdownReason.Normal;
        s.PutErrorMessage(ReadOnlySpan<byte>.Empty);
        controlA.Offer(buffer.AsSpan(0, s.EncodedLength));
        Until(t, responses, () => { }, x => x.ResultCount == 0);
        Assert.That(registry.Counters.DriverShutdowns, Is.EqualTo(1));
    }

    [Test]
    public void A_registry_never_answers_attach_requests_8()
    {
        using var t = new LoopbackTransport(maxMessageLength: 1 << 20);
        using DiscoveryRegistry registry = DiscoveryRegistry.Start(Options(t));
        ISubscription everything = t.AddSubscription("tp:ipc?name=reg", 7000);
        using IPublication requests = t.AddPublication("tp:ipc?name=reg", 7000);
        var buffer = new byte[256];
        var attach = Sbe.Driver.ShmAttachRequestEncoder.WrapAndApplyHeader(buffer);
        attach.CorrelationId = 1;
        attach.StreamId = 10000;
        attach.ClientId = 5;
        attach.Role = Sbe.Driver.Role.Consumer;
        requests.Offer(buffer.AsSpan(0, attach.EncodedLength));
        // A request after it is answered: the attach was read and left alone (attach semantics stay the driver's).
        ISubscription responses = t.AddSubscription(ResponseChannel, ResponseStreamId);
        Until(t, responses, () => { }, x => x.Status == DiscoveryStatus.Ok);
        var kinds = new List<(ushort Schema, ushort Template)>();
        everything.Poll(m =>
        {
            Assert.That(Sbe.SbeMessageHeader.TryRead(m, out Sbe.SbeMessageHeader h), Is.True);
            kinds.Add((h.SchemaId, h.TemplateId));
        }, 1000);
        Assert.That(kinds[0], Is.EqualTo((Sbe.Driver.ShmAttachRequestDecoder.SchemaId, Sbe.Driver.ShmAttachRequestDecoder.TemplateId)));
        Assert.That(kinds.Skip(1), Is.All.EqualTo((DiscoveryRequestDecoder.SchemaId, DiscoveryRequestDecoder.TemplateId)),
            "nothing but requests on the request stream: no answer to the attach");
    }

    [Test]
    public void The_registry_hosted_service_answers_while_the_host_runs_and_stops_with_it_8()
    {
        using var t = new LoopbackTransport(maxMessageLength: 1 << 20);
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddTensorPoolDiscoveryRegistry(Options(t));
        using IHost host = builder.Build();
        DiscoveryRegistryHostedService hosted = host.Services.GetRequiredService<DiscoveryRegistryHostedService>();
        Assert.That(hosted.Registry, Is.Null, "nothing runs before the host starts");
        ISubscription responses = t.AddSubscription(ResponseChannel, ResponseStreamId);
        using IPublication controlA = t.AddPublication("tp:ipc?name=a", 1000);
        byte[] a = Encoded(h => h.Announce(DriverA, 10000, epoch: 5));
        host.StartAsync().GetAwaiter().GetResult();
        Assert.That(hosted.Registry, Is.Not.Null);
        Until(t, responses, () => controlA.Offer(a), x => x.ResultCount == 1);
        host.StopAsync().GetAwaiter().GetResult();
        Assert.That(hosted.Registry, Is.Null, "stopped with the host");
        Assert.That(t.SubscriptionCount("tp:ipc?name=reg", 7000), Is.Zero, "its request subscription closed");
    }

    /// <summary>The bytes a harness would feed (captured through a provider-less encoder run).</summary>
    private static byte[] Encoded(Action<ProviderHarness> encode)
    {
        using var capture = new CapturingHarness();
        encode(capture.Harness);
        return capture.Last!;
    }

    private sealed class CapturingHarness : IDisposable
    {
        public CapturingHarness()
        {
            Harness = new ProviderHarness();
            Harness.Sink = m => Last = m.ToArray();
        }

        public ProviderHarness Harness { get; }

        public byte[]? Last { get; private set; }

        public void Dispose() => Harness.Dispose();
    }
}
