using System.Globalization;
using System.Text.Json;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.DriverClient;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.Driver;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Client processes of the driver tests (tests/TensorPool.Driver.Tests/MultiProcess): producers and consumers in the
/// UseDriver mode against a `tp driver` process, and attach/detach churn. Arguments: the driver's tp:ipc base dir, its
/// namespace, its shm base dir, then the scenario's own. Every wait has a deadline; a <c>stop</c> line on stdin ends a
/// scenario cleanly.
/// </summary>
public static class DriverScenarios
{
    private static ClientOptions Options(string[] args) => new()
    {
        ShmBaseDir = args[0],
        Namespace = args[1],
        AllowedBaseDirs = [args[2]],
        FreshnessWindow = TimeSpan.FromSeconds(30),
        Driver = new DriverClientOptions
        {
            AttachTimeout = TimeSpan.FromSeconds(60),
            ResponseTimeout = TimeSpan.FromSeconds(1),
            DriverTimeout = TimeSpan.FromSeconds(5),
        },
    };

    /// <summary>A thread that sets the returned flag when stdin says <c>stop</c> or closes.</summary>
    private static ManualResetEventSlim WatchStdin()
    {
        var stop = new ManualResetEventSlim();
        new Thread(() =>
        {
            while (Console.ReadLine() is { } line && line.Trim() != "stop")
            {
            }
            stop.Set();
        }) { IsBackground = true }.Start();
        return stop;
    }

    /// <summary>
    /// <c>driver-produce IPC NS SHM STREAM</c>: prints <c>attached EPOCH LEASE</c> (or <c>rejected CODE message</c>,
    /// exit 3), publishes a frame per millisecond, prints <c>epoch E</c> whenever it switched to a re-granted epoch, and
    /// on stop <c>done PUBLISHED EPOCH</c>.
    /// </summary>
    [Scenario("driver-produce")]
    public static int Produce(string[] args)
    {
        using var client = TensorPoolClient.Connect(Options(args));
        Producer producer;
        try
        {
            producer = client.AddProducer(uint.Parse(args[3], CultureInfo.InvariantCulture));
        }
        catch (DriverAttachException e)
        {
            Console.WriteLine($"rejected {e.Code} {e.DriverMessage}");
            return 3;
        }
        using ManualResetEventSlim stop = WatchStdin();
        Console.WriteLine($"attached {producer.Epoch} {producer.DriverLease!.Grant!.LeaseId}");
        byte[] payload = new byte[64];
        long published = 0;
        ulong epoch = producer.Epoch;
        while (!stop.IsSet)
        {
            BitConverter.TryWriteBytes(payload, published);
            if (producer.TryOffer(payload))
            {
                published++;
            }
            if (producer.Epoch != epoch)
            {
                epoch = producer.Epoch;
                Console.WriteLine($"epoch {epoch}");
            }
            Thread.Sleep(1);
        }
        Console.WriteLine($"done {published} {producer.Epoch}");
        producer.Dispose();
        return 0;
    }

    /// <summary>
    /// <c>driver-consume IPC NS SHM STREAM</c>: prints <c>attached LEASE</c>, then <c>epoch E</c> for the first frame of
    /// every epoch, <c>lost N</c> when its lease was lost (N losses so far), and on stop <c>result {json}</c>: frames per epoch and frames of an older epoch seen after a newer one.
    /// </summary>
    [Scenario("driver-consume")]
    public static int Consume(string[] args)
    {
        using var client = TensorPoolClient.Connect(Options(args));
        using Consumer consumer = client.AddConsumer(uint.Parse(args[3], CultureInfo.InvariantCulture));
        using ManualResetEventSlim stop = WatchStdin();
        var lease = (DriverLease)consumer.Tracker!.Lease!;
        Console.WriteLine($"attached {lease.Grant!.LeaseId}");
        var perEpoch = new SortedDictionary<ulong, long>();
        ulong newest = 0;
        long older = 0;
        long losses = 0;
        while (!stop.IsSet)
        {
            int work = consumer.Poll((in Frame f) =>
            {
                if (f.Epoch < newest)
                {
                    older++;
                    return;
                }
                if (f.Epoch > newest)
                {
                    newest = f.Epoch;
                    Console.WriteLine($"epoch {newest}");
                }
                perEpoch[f.Epoch] = perEpoch.GetValueOrDefault(f.Epoch) + 1;
            }, 64);
            if (work == 0)
            {
                Thread.Sleep(1);
            }
            if (lease.Losses != losses)
            {
                losses = lease.Losses;
                Console.WriteLine($"lost {losses}");
            }
        }
        Console.WriteLine("result " + JsonSerializer.Serialize(new
        {
            epochs = perEpoch.Select(kv => new { epoch = kv.Key, frames = kv.Value }).ToArray(),
            older_after_newer = older,
            lease_losses = lease.Losses,
        }));
        return 0;
    }

    /// <summary>
    /// <c>driver-churn IPC NS SHM CONSUMED_STREAM OWN_STREAM CYCLES</c>: CYCLES times, attach a consumer lease on the
    /// shared stream and a producer lease on this process's own stream, then detach both; prints <c>churned N</c>.
    /// </summary>
    [Scenario("driver-churn")]
    public static int Churn(string[] args)
    {
        DriverClientOptions options = Options(args).Driver!;
        options.IpcBaseDir = args[0];
        options.Namespace = args[1];
        uint consumed = uint.Parse(args[3], CultureInfo.InvariantCulture);
        uint own = uint.Parse(args[4], CultureInfo.InvariantCulture);
        int cycles = int.Parse(args[5], CultureInfo.InvariantCulture);
        using DriverConnection connection = DriverConnection.Connect(options);
        for (int i = 0; i < cycles; i++)
        {
            DriverLease consumer = connection.Attach(new AttachRequest(consumed, Role.Consumer));
            DriverLease producer = connection.Attach(new AttachRequest(own, Role.Producer));
            consumer.Dispose();
            producer.Dispose();
            // The producer's client id is free again once the driver processed the detach (§4.8): a fresh random id
            // is used for each lease anyway, so the next cycle never waits for it.
        }
        Console.WriteLine($"churned {cycles}");
        return 0;
    }
}
