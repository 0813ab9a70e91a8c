using System.Text;
using TensorPool.Client;
using TensorPool.Driver;
using TensorPool.Driver.Configuration;
using TensorPool.DriverClient;
using TensorPool.Producers;
using TensorPool.Sbe.Discovery;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Discovery.Tests.Provider;

/// <summary>
/// Bad input at volume: 100,000 requests with random filters (and some random endpoints and garbage) on a driver's
/// control endpoint leave its embedded provider answering, with bounded memory and a bounded number of response
/// endpoints. Real driver, real tp:ipc; nothing is timed.
/// </summary>
public sealed class FloodTests
{
    [Test]
    public void A_flood_of_100000_random_requests_leaves_the_provider_responsive_and_its_memory_bounded()
    {
        using var dir = new TempDirectory();
        var options = new DriverOptions
        {
            InstanceId = "flooded",
            ShmBaseDir = Path.Combine(dir.Path, "shm"),
            IpcBaseDir = Path.Combine(dir.Path, "ipc"),
            Namespace = "flood",
            PermissionsMode = "600",
            AnnouncePeriodMs = 100,
            Profiles = [new ProfileDefinition("p", 8, [new PayloadPoolDefinition(1, 64)])],
            Streams = [new StreamDefinition("s", 10000)],
        };
        options.Discovery.StreamTags[10000] = ["target"];
        using TensorPoolDriver driver = TensorPoolDriver.Start(options);
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = options.IpcBaseDir, Namespace = options.Namespace });
        var clientOptions = new ClientOptions
        {
            Transport = transport,
            ShmBaseDir = options.ShmBaseDir,
            Namespace = options.Namespace,
            Driver = new DriverClientOptions { AnnouncePeriod = TimeSpan.FromMilliseconds(100), DriverTimeout = TimeSpan.FromSeconds(30) },
            Discovery = new DiscoveryOptions { Timeout = TimeSpan.FromSeconds(30) },
        };
        using TensorPoolClient producing = TensorPoolClient.Connect(clientOptions);
        using Producer producer = producing.AddProducer(new ProducerOptions { StreamId = 10000, Name = "target" });
        using TensorPoolClient asking = TensorPoolClient.Connect(clientOptions);
        Assert.That(Ask(asking).Status, Is.EqualTo(DiscoveryStatus.Ok), "answered before the flood");

        using TpIpcPublication flood = transport.AddPublication("tp:ipc", 1000);
        var random = new Random(20240611);
        long before = 0;
        for (int i = 0; i < 100_000; i++)
        {
            flood.Offer(RandomRequest(random));
            if (i == 20_000)
            {
                before = Heap();
            }
        }
        var sinceFlood = System.Diagnostics.Stopwatch.StartNew();
        DiscoveryResult after = Ask(asking);
        long growth = Heap() - before;
        DiscoveryProviderCounters c = driver.DiscoveryCounters!;
        TestContext.Out.WriteLine($"requests read {c.Requests}, ok {c.AnsweredOk}, not found {c.AnsweredNotFound}, error {c.AnsweredError}, " +
            $"malformed {c.MalformedRequests}, refused endpoints {c.EndpointsRefused}, throttled {c.EndpointsThrottled}; heap growth {growth / 1024} KiB " +
            $"over the last 80,000; driver leases expired {driver.Counters.LeasesExpired}, epochs {driver.Counters.EpochsCreated}; answered {sinceFlood.ElapsedMilliseconds} ms after the flood; {Directory.GetFiles(options.IpcBaseDir, "*.log", SearchOption.AllDirectories).Length} logs");
        Assert.That(after.Status, Is.EqualTo(DiscoveryStatus.Ok), "still answering");
        // The stream is found by its configured tag. Its name may be missing for a while: the flood shares the control
        // log with lease keepalives, and a lapped driver can lose enough of them to expire the producer's lease (a new
        // epoch, whose name arrives with the next DataSourceAnnounce) — what any flood of that log does, discovery or not.
        Assert.That(after.Streams.Single().StreamId, Is.EqualTo(10000));
        Assert.That(growth, Is.LessThan(32L << 20), "memory does not grow with the requests");
        Assert.That(c.Requests, Is.Positive);
        int logs = Directory.GetFiles(options.IpcBaseDir, "*.log", SearchOption.AllDirectories).Length;
        Assert.That(logs, Is.LessThan(1000 + 20), "response endpoints are bounded by the random set (and opened at a bounded rate)");
    }

    /// <summary>
    /// Ask until the stream is listed: a request sent while the provider still works through the flood's backlog may
    /// wait behind it (or be passed over when the provider, lapped, skips to the live tail), so a timeout asks again.
    /// </summary>
    private static DiscoveryResult Ask(TensorPoolClient client)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            try
            {
                DiscoveryResult r = client.DiscoverAsync(new DiscoveryQuery { Tags = ["target"], Timeout = TimeSpan.FromSeconds(10) }).GetAwaiter().GetResult();
                if (r.Streams.Count == 1 || DateTime.UtcNow > deadline)
                {
                    return r;
                }
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
            Thread.Sleep(50);
        }
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Random filters; a tenth of them to one of 1,000 random endpoints; one in twenty is garbage.</summary>
    private static byte[] RandomRequest(Random random)
    {
        if (random.Next(20) == 0)
        {
            byte[] garbage = ProviderHarness.EncodeRequest();
            for (int k = 0; k < 4; k++)
            {
                garbage[random.Next(garbage.Length)] = (byte)random.Next(256);
            }
            return garbage;
        }
        string[] tags = [.. Enumerable.Range(0, random.Next(4)).Select(_ => Word(random))];
        return ProviderHarness.EncodeRequest(
            requestId: (ulong)random.NextInt64(),
            clientId: (uint)random.Next(),
            streamId: random.Next(3) == 0 ? (uint)random.Next(9990, 10010) : null,
            producerId: random.Next(5) == 0 ? (uint)random.Next() : null,
            dataSourceId: random.Next(5) == 0 ? (ulong)random.Next() : null,
            tags: tags,
            name: random.Next(4) == 0 ? Encoding.ASCII.GetBytes(Word(random)) : null,
            responseChannel: "tp:ipc?name=flood",
            responseStreamId: random.Next(10) == 0 ? (uint)random.Next(30000, 31000) : 7005);
    }

    private static string Word(Random random) => new([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next('a', 'z' + 1))]);
}
