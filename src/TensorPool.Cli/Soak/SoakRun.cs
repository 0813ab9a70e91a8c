using System.Diagnostics;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Diagnostics;
using TensorPool.DriverClient;
using TensorPool.Processes;
using TensorPool.Producers;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Cli.Soak;

/// <summary>
/// <c>tp soak</c> (D207): a driver in a child process (<c>tp driver</c>), a producer and consumers in this one. The
/// producer publishes <see cref="SoakOptions.Frames"/> pattern frames as fast as it can; at evenly spaced points it is
/// closed and a new one attached (a new epoch), and the driver is killed with SIGKILL and a new one started (the clients
/// lose their leases, attach again and remap). Every consumer checks every frame it is given (<see cref="SoakChecker"/>).
/// </summary>
internal sealed class SoakRun
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly SoakOptions _options;
    private readonly TextWriter _progress;
    private readonly string _shmDir;
    private readonly string _config;
    private ChildProcess? _driver;

    public SoakRun(SoakOptions options, TextWriter progress)
    {
        _options = options;
        _progress = progress;
        _shmDir = Path.Combine(options.Dir, "shm");
        _config = Path.Combine(options.Dir, "driver.toml");
    }

    public SoakResult Run(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.Dir);
        File.WriteAllText(_config, $$"""
            [driver]
            ipc_base_dir = "{{_shmDir}}"
            [shm]
            base_dir = "{{_shmDir}}"
            namespace = "soak"
            permissions_mode = "600"
            [policies]
            announce_period_ms = 200
            lease_keepalive_interval_ms = 500
            lease_expiry_grace_intervals = 6
            [profiles.soak]
            header_nslots = 1024
            payload_pools = [{ pool_id = 1, stride_bytes = {{Stride(_options.Bytes)}} }]
            [streams.soak]
            stream_id = {{_options.StreamId}}
            profile = "soak"
            """);
        var clock = Stopwatch.StartNew();
        StartDriver();
        try
        {
            return Publish(clock, cancellationToken);
        }
        finally
        {
            StopDriver();
        }
    }

    private SoakResult Publish(Stopwatch clock, CancellationToken cancellationToken)
    {
        using var client = TensorPoolClient.Connect(new ClientOptions
        {
            ShmBaseDir = _shmDir,
            Namespace = "soak",
            AllowedBaseDirs = [_shmDir],
            Driver = new DriverClientOptions { AttachTimeout = Patience, DriverTimeout = TimeSpan.FromSeconds(3) },
        });
        var checkers = new SoakChecker[_options.Consumers];
        var consumers = new Consumer?[_options.Consumers];
        var threads = new Thread[_options.Consumers];
        using var stop = new CancellationTokenSource();
        try
        {
            for (int i = 0; i < consumers.Length; i++)
            {
                checkers[i] = new SoakChecker(_options.Bytes);
                Consumer consumer = client.AddConsumer(_options.StreamId);
                consumers[i] = consumer;
                SoakChecker checker = checkers[i];
                threads[i] = new Thread(() => Consume(consumer, checker, stop.Token)) { IsBackground = true, Name = $"soak consumer {i}" };
                threads[i].Start();
            }
            Producer producer = AddProducer(client);
            int producerRestarts = 0;
            int driverRestarts = 0;
            long epochs = 1;
            long published = 0;
            long nextProducerRestart = Point(1, _options.ProducerRestarts, 0);
            long nextDriverRestart = Point(1, _options.DriverRestarts, 1);
            long nextProgress = 0;
            try
            {
                while (published < _options.Frames && !cancellationToken.IsCancellationRequested)
                {
                    if (published >= nextProducerRestart)
                    {
                        producer.Dispose();
                        producer = AddProducer(client);
                        producerRestarts++;
                        epochs++;
                        nextProducerRestart = Point(producerRestarts + 1, _options.ProducerRestarts, 0);
                    }
                    if (published >= nextDriverRestart)
                    {
                        long losses = producer.DriverLease!.Losses;
                        _driver!.Kill(); // SIGKILL: no shutdown notice, leases and epoch left behind
                        StartDriver();
                        // Publish on only once the producer knows its lease is gone, so the frames after a restart go
                        // to the new driver's epoch (a fast run would otherwise end in the old one).
                        var waited = Stopwatch.StartNew();
                        while (producer.DriverLease!.Losses == losses && waited.Elapsed < Patience)
                        {
                            Thread.Sleep(10);
                        }
                        driverRestarts++;
                        nextDriverRestart = Point(driverRestarts + 1, _options.DriverRestarts, 1);
                    }
                    if (published >= nextProgress)
                    {
                        _progress.WriteLine($"tp soak: {published} frames published, {checkers.Sum(c => Volatile.Read(ref c.Delivered))} delivered, " +
                            $"{producerRestarts} producer and {driverRestarts} driver restarts, {clock.Elapsed.TotalSeconds:F0} s");
                        nextProgress = published + Math.Max(1, _options.Frames / 20);
                    }
                    long switches = producer.EpochSwitches;
                    if (producer.TryClaim(_options.Bytes, out FrameClaim claim))
                    {
                        FramePattern.Fill(claim.Payload, producer.Epoch, claim.Seq);
                        producer.Commit(ref claim);
                        published++;
                    }
                    else
                    {
                        Thread.Sleep(1); // no lease while the driver restarts: wait for the new grant
                    }
                    epochs += producer.EpochSwitches - switches;
                }
                Drain(checkers, producer);
            }
            finally
            {
                producer.Dispose();
            }
            stop.Cancel();
            foreach (Thread t in threads)
            {
                t.Join();
            }
            long delivered = checkers.Sum(c => c.Delivered);
            return new SoakResult(
                published, _options.Consumers, _options.Bytes, delivered, (published * _options.Consumers) - delivered,
                checkers.Sum(c => c.Torn), checkers.Sum(c => c.Disordered), checkers.Sum(c => c.OlderAfterNewer),
                checkers.Sum(c => c.CaughtByRecheck), producerRestarts, driverRestarts, epochs, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            stop.Cancel();
            foreach (Consumer? c in consumers)
            {
                c?.Dispose();
            }
        }
    }

    /// <summary>The frame count of the <paramref name="k"/>-th of <paramref name="count"/> evenly spaced restarts (driver ones half a step later).</summary>
    private long Point(int k, int count, int half)
    {
        if (k > count)
        {
            return long.MaxValue;
        }
        long step = _options.Frames / (count + 1);
        return (k * step) + (half * step / 2);
    }

    private static Producer AddProducer(TensorPoolClient client, uint streamId)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return client.AddProducer(streamId);
            }
            catch (DriverAttachException) when (attempt < 50)
            {
                // The previous producer's detach may still be on its way to a busy driver (§4.9): try again.
                Thread.Sleep(100);
            }
        }
    }

    private Producer AddProducer(TensorPoolClient client) => AddProducer(client, _options.StreamId);

    private static void Consume(Consumer consumer, SoakChecker checker, CancellationToken stop)
    {
        FrameHandler handler = checker.OnFrame;
        while (!stop.IsCancellationRequested)
        {
            if (consumer.Poll(handler, 256) == 0)
            {
                consumer.WaitForFrames(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            }
        }
    }

    /// <summary>Give the consumers the last frames: until each has the producer's last one, or nothing moves for 5 s.</summary>
    private static void Drain(SoakChecker[] checkers, Producer producer)
    {
        (ulong epoch, ulong last) = (producer.Epoch, producer.Counters.NextSeq - 1);
        var idle = Stopwatch.StartNew();
        long seen = -1;
        while (checkers.Any(c => c.Last != (epoch, last)) && idle.Elapsed < TimeSpan.FromSeconds(5))
        {
            long now = checkers.Sum(c => Volatile.Read(ref c.Delivered));
            if (now != seen)
            {
                seen = now;
                idle.Restart();
            }
            Thread.Sleep(10);
        }
    }

    private void StartDriver()
    {
        _driver?.Dispose();
        _driver = ChildProcess.StartSelf(["driver", "--config", _config]);
        _driver.WaitForLine("tp driver:", Patience);
    }

    private void StopDriver()
    {
        if (_driver is null)
        {
            return;
        }
        _driver.Signal("TERM");
        _driver.TryWaitForExit(Patience);
        _driver.Dispose();
    }

    private static uint Stride(int bytes) => (uint)Math.Max(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)bytes));
}
