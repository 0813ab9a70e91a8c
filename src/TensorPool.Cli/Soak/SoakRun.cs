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
/// The run fails when it does not recover: no new producer lease after a driver restart, or a consumer that accepts no
/// frame of the last epoch (D251).
/// </summary>
internal sealed class SoakRun
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>How long consumers get to map the last epoch (a remap takes well under a second).</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);
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
            bool lastEpochFollowed = false;
            string? failure = null;
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
                        DriverLease lease = producer.DriverLease!;
                        long attaches = lease.Attaches;
                        _driver!.Kill(); // SIGKILL: no shutdown notice, leases and epoch left behind
                        StartDriver();
                        // Publish on only once the new driver has granted the producer a new epoch. Not at the loss:
                        // the lease counts it before its listener stops the producer's use of the old regions (the
                        // first loss JIT-compiles that listener in between), and a fast producer could publish all
                        // the remaining frames there: the run ended in the old epoch (SoakProcessTests saw 2 epochs).
                        if (!Until(() => lease.Attaches != attaches, Patience, cancellationToken))
                        {
                            failure = $"the producer got no new lease within {Patience.TotalSeconds:F0} s of driver restart {driverRestarts + 1}";
                            break;
                        }
                        driverRestarts++;
                        nextDriverRestart = Point(driverRestarts + 1, _options.DriverRestarts, 1);
                    }
                    if (published == _options.Frames - 1 && !lastEpochFollowed)
                    {
                        // The last frame waits for every consumer to map the last epoch, so each can accept a frame of
                        // it however late it remapped; the frames before it are published flat out, remaps or not.
                        lastEpochFollowed = true;
                        failure = Follow(consumers, producer, cancellationToken);
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
                if (!cancellationToken.IsCancellationRequested)
                {
                    failure ??= Behind(checkers, producer.Epoch);
                }
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
                checkers.Sum(c => c.CaughtByRecheck), producerRestarts, driverRestarts, epochs, clock.Elapsed.TotalSeconds, failure);
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

    /// <summary>Wait until every consumer has mapped the producer's current epoch (its grant's, before its first claim in it).</summary>
    private static string? Follow(Consumer?[] consumers, Producer producer, CancellationToken cancellationToken)
    {
        ulong Target() => producer.DriverLease?.Grant?.Epoch ?? producer.Epoch;
        if (Until(() => consumers.All(c => c!.Epoch == Target()), Recovery, cancellationToken))
        {
            return null;
        }
        int i = Array.FindIndex(consumers, c => c!.Epoch != Target());
        return $"consumer {i} did not map epoch {Target()} within {Recovery.TotalSeconds:F0} s (it has {consumers[i]!.Epoch?.ToString() ?? "none"})";
    }

    /// <summary>A consumer whose last accepted frame is not of the last epoch never recovered from the last restart.</summary>
    private static string? Behind(SoakChecker[] checkers, ulong epoch)
    {
        int i = Array.FindIndex(checkers, c => c.Last.Epoch != epoch || Volatile.Read(ref c.Delivered) == 0);
        return i < 0 ? null : $"consumer {i} accepted no frame of the last epoch {epoch}";
    }

    /// <summary>True once <paramref name="condition"/> holds or the run is cancelled (it stops anyway); false at the timeout.</summary>
    private static bool Until(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!condition() && !cancellationToken.IsCancellationRequested)
        {
            if (waited.Elapsed >= timeout)
            {
                return false;
            }
            Thread.Sleep(10);
        }
        return true;
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
