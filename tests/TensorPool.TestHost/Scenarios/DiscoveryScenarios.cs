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
            received += consumer.Poll((in Frame f) => epoch = f.Epoch, 64);
            Thread.Sleep(1);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"received {received} {epoch}"));
        return 0;
    }
}
