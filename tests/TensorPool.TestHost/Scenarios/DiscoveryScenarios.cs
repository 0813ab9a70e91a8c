using System.Globalization;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Discovery;
using TensorPool.DriverClient;
using TensorPool.Frames;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Client processes of the discovery tests (tests/TensorPool.Discovery.Tests/MultiProcess). Every wait has a deadline.
/// </summary>
public static class DiscoveryScenarios
{
    /// <summary>
    /// <c>discover-consume BASE NS NAME FRAMES</c>: asks the driver's embedded provider (tp:ipc 1000 of NS under BASE)
    /// for the stream named NAME until it answers, prints <c>discovered STREAM EPOCH DRIVER</c>, attaches a consumer from
    /// the result (§7: through the authority it names), and prints <c>received N EPOCH</c> once FRAMES frames arrived.
    /// </summary>
    [Scenario("discover-consume")]
    public static int DiscoverConsume(string[] args)
    {
        string name = args[2];
        int frames = int.Parse(args[3], CultureInfo.InvariantCulture);
        using var client = TensorPoolClient.Connect(new ClientOptions
        {
            ShmBaseDir = args[0],
            Namespace = args[1],
            FreshnessWindow = TimeSpan.FromSeconds(30),
            Driver = new DriverClientOptions { AttachTimeout = TimeSpan.FromSeconds(60), DriverTimeout = TimeSpan.FromSeconds(10) },
            Discovery = new DiscoveryOptions { Timeout = TimeSpan.FromSeconds(10) },
        });
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        DiscoveredStream? found = null;
        while (found is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                Console.Error.WriteLine($"no stream named {name} discovered");
                return 3;
            }
            DiscoveryResult r = client.DiscoverAsync(new DiscoveryQuery { DataSourceName = name }).GetAwaiter().GetResult();
            found = r.Streams.Count > 0 ? r.Streams[0] : null;
            if (found is null)
            {
                Thread.Sleep(100);
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"discovered {found.StreamId} {found.Epoch} {found.DriverInstanceId}"));
        using Consumer consumer = client.AddConsumer(found);
        int received = 0;
        ulong epoch = 0;
        while (received < frames)
        {
            if (DateTime.UtcNow > deadline)
            {
                Console.Error.WriteLine($"only {received} frames arrived; consumer {consumer.State}");
                return 4;
            }
            // Poll returns descriptors consumed, not frames delivered: count frames in the handler.
            consumer.Poll((in Frame f) =>
            {
                epoch = f.Epoch;
                received++;
            }, 64);
            Thread.Sleep(1);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"received {received} {epoch}"));
        return 0;
    }

    /// <summary>
    /// <c>supervised-consumer BASE NS STREAM CONSUMER SECONDS</c>: a consumer on the wire only (no mapping): it sends a
    /// RATE_LIMITED ConsumerHello every 200 ms asking for a per-consumer descriptor stream (tp:ipc 40000), waits for the
    /// supervisor's ConsumerConfig assigning another stream, then counts for SECONDS the descriptors of STREAM arriving
    /// on the assigned stream and on the shared one (1100), and prints <c>assigned CHANNEL ID</c>, then
    /// <c>counted ASSIGNED SHARED MILLISECONDS</c>.
    /// </summary>
    [Scenario("supervised-consumer")]
    public static int SupervisedConsumer(string[] args)
    {
        uint stream = uint.Parse(args[2], CultureInfo.InvariantCulture);
        uint consumer = uint.Parse(args[3], CultureInfo.InvariantCulture);
        double seconds = double.Parse(args[4], CultureInfo.InvariantCulture);
        using var transport = new Transport.TpIpcTransport(new Transport.TpIpcOptions { BaseDir = args[0], Namespace = args[1] });
        using Transport.TpIpcSubscription control = transport.AddSubscription("tp:ipc", 1000);
        using Transport.TpIpcSubscription shared = transport.AddSubscription("tp:ipc", 1100);
        using Transport.TpIpcPublication hellos = transport.AddPublication("tp:ipc", 1000);
        var buffer = new byte[512];
        var h = Sbe.Wire.ConsumerHelloEncoder.WrapAndApplyHeader(buffer);
        h.StreamId = stream;
        h.ConsumerId = consumer;
        h.SupportsShm = Sbe.Wire.Bool.True;
        h.SupportsProgress = Sbe.Wire.Bool.False;
        h.Mode = Sbe.Wire.Mode.RateLimited;
        h.ExpectedLayoutVersion = 1;
        h.DescriptorStreamId = 40000;
        h.PutDescriptorChannel("tp:ipc".AsSpan());
        h.PutControlChannel(ReadOnlySpan<char>.Empty);
        byte[] hello = buffer.AsSpan(0, h.EncodedLength).ToArray();
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        (string Channel, uint Id)? assigned = null;
        DateTime nextHello = DateTime.MinValue;
        while (assigned is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                Console.Error.WriteLine("no ConsumerConfig from a supervisor");
                return 3;
            }
            if (DateTime.UtcNow >= nextHello)
            {
                hellos.Offer(hello);
                nextHello = DateTime.UtcNow + TimeSpan.FromMilliseconds(200);
            }
            control.Poll(m =>
            {
                if (Sbe.Wire.ConsumerConfigDecoder.TryWrap(m, out Sbe.Wire.ConsumerConfigDecoder c, out _) && c.ConsumerId == consumer &&
                    c.StreamId == stream && c.DescriptorStreamId != 0 && c.DescriptorStreamId != 40000)
                {
                    assigned = (c.GetDescriptorChannelString(), c.DescriptorStreamId);
                }
            }, 64);
            Thread.Sleep(1);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"assigned {assigned.Value.Channel} {assigned.Value.Id}"));
        using Transport.TpIpcSubscription mine = transport.AddSubscription(assigned.Value.Channel, (int)assigned.Value.Id);
        shared.SkipBacklog(0, 0);
        long own = 0;
        long all = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (DateTime.UtcNow >= nextHello)
            {
                hellos.Offer(hello); // stay alive (§5)
                nextHello = DateTime.UtcNow + TimeSpan.FromMilliseconds(200);
            }
            mine.Poll(m => own += IsOf(m, stream) ? 1 : 0, 256);
            shared.Poll(m => all += IsOf(m, stream) ? 1 : 0, 256);
            Thread.Sleep(1);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"counted {own} {all} {clock.ElapsedMilliseconds}"));
        return 0;
    }

    private static bool IsOf(ReadOnlySpan<byte> message, uint stream) =>
        Sbe.Wire.FrameDescriptorDecoder.TryWrap(message, out Sbe.Wire.FrameDescriptorDecoder d, out _) && d.StreamId == stream;
}
