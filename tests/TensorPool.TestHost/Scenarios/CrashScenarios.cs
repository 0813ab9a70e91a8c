using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Diagnostics;
using TensorPool.Driver;
using TensorPool.Driver.Configuration;
using TensorPool.DriverClient;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// The processes of the crash matrix (tests/TensorPool.Driver.Tests/MultiProcess/CrashMatrixTests.cs): a driver, a
/// producer writing <see cref="FramePattern"/> payloads and a consumer checking every frame it is given. Any of them
/// may be armed with <c>TP_FAULT_AT</c> (this host opts in through its runtimeconfig, D205) and then dies by SIGKILL
/// at that step. Client arguments: the driver's tp:ipc base dir, namespace, shm base dir, stream id; a <c>stop</c> line
/// on stdin ends a scenario cleanly.
/// </summary>
public static class CrashScenarios
{
    /// <summary>Bytes of every frame: pool 2 of the test driver (stride 1024), a whole number of pattern words.</summary>
    public const int FrameBytes = 1000;

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
            DriverTimeout = TimeSpan.FromSeconds(3),
        },
    };

    /// <summary><c>crash-driver CONFIG</c>: the driver with its log on stdout; prints <c>driver ready PID</c>, and <c>driver stopped</c> after stop.</summary>
    [Scenario("crash-driver")]
    public static int RunDriver(string[] args)
    {
        DriverOptions options = DriverOptions.FromToml(args[0]);
        using ILoggerFactory logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        options.Logger = logs.CreateLogger("driver");
        using StdinStop stop = StdinStop.Watch();
        using (TensorPoolDriver driver = TensorPoolDriver.Start(options))
        {
            Console.WriteLine($"driver ready {Environment.ProcessId}");
            stop.Wait();
        }
        Console.WriteLine("driver stopped");
        return 0;
    }

    /// <summary>
    /// <c>crash-produce IPC NS SHM STREAM claim|offer</c>: prints <c>attached EPOCH</c>, then <c>epoch E</c> at every
    /// switch to a re-granted epoch; publishes four pattern frames per millisecond (claim + fill + commit, or
    /// <c>TryOffer</c> of a filled buffer); on stop <c>done {json}</c> with the frames published per epoch.
    /// </summary>
    [Scenario("crash-produce")]
    public static int Produce(string[] args)
    {
        using var client = TensorPoolClient.Connect(Options(args));
        using Producer producer = client.AddProducer(uint.Parse(args[3], CultureInfo.InvariantCulture));
        bool offer = args[4] == "offer";
        using StdinStop stop = StdinStop.Watch();
        Console.WriteLine($"attached {producer.Epoch}");
        var published = new SortedDictionary<ulong, long>();
        byte[] buffer = new byte[FrameBytes];
        ulong epoch = producer.Epoch;
        while (!stop.IsSet)
        {
            for (int i = 0; i < 4; i++)
            {
                if (offer)
                {
                    // No epoch switch is expected between filling and offering in this mode (the fault ends the process first).
                    FramePattern.Fill(buffer, producer.Epoch, producer.Counters.NextSeq);
                    if (producer.TryOffer(buffer))
                    {
                        published[producer.Epoch] = published.GetValueOrDefault(producer.Epoch) + 1;
                    }
                }
                else if (producer.TryClaim(FrameBytes, out FrameClaim claim))
                {
                    FramePattern.Fill(claim.Payload, producer.Epoch, claim.Seq);
                    producer.Commit(ref claim);
                    published[producer.Epoch] = published.GetValueOrDefault(producer.Epoch) + 1;
                }
            }
            if (producer.Epoch != epoch)
            {
                epoch = producer.Epoch;
                Console.WriteLine($"epoch {epoch}");
            }
            Thread.Sleep(1);
        }
        Console.WriteLine("done " + JsonSerializer.Serialize(new
        {
            epochs = published.Select(kv => new { epoch = kv.Key, frames = kv.Value }).ToArray(),
            lease_losses = producer.DriverLease!.Losses,
        }));
        return 0;
    }

    /// <summary>
    /// <c>crash-consume IPC NS SHM STREAM</c>: prints <c>attached LEASE</c>, <c>epoch E</c> for the first frame of each
    /// epoch and <c>lost N</c> at each lease loss; copies every frame and checks its bytes against the pattern of its
    /// (epoch, seq). On stop <c>result {json}</c>: per epoch the frames delivered and the highest seq, and the torn
    /// (bytes not the frame's), disordered (seq not above the last in its epoch), older-after-newer and dropped counts.
    /// </summary>
    [Scenario("crash-consume")]
    public static int Consume(string[] args)
    {
        using var client = TensorPoolClient.Connect(Options(args));
        using Consumer consumer = client.AddConsumer(uint.Parse(args[3], CultureInfo.InvariantCulture));
        using StdinStop stop = StdinStop.Watch();
        var lease = (DriverLease)consumer.Tracker!.Lease!;
        Console.WriteLine($"attached {lease.Grant!.LeaseId}");
        var check = new FrameCheck();
        long losses = 0;
        while (!stop.IsSet)
        {
            int work = consumer.Poll((in Frame f) => check.OnFrame(f), 64);
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
        ConsumerCounters counters = consumer.Counters;
        Console.WriteLine("result " + JsonSerializer.Serialize(new
        {
            epochs = check.Epochs.Select(kv => new { epoch = kv.Key, frames = kv.Value.Frames, max_seq = kv.Value.MaxSeq }).ToArray(),
            torn = check.Torn,
            disordered = check.Disordered,
            older_after_newer = check.OlderAfterNewer,
            caught_torn = check.CaughtTorn,
            drops = counters.DropsTotal,
            accepted = counters.FramesAccepted,
            lease_losses = lease.Losses,
        }));
        return 0;
    }

    /// <summary>Checks each frame a consumer is given (see <see cref="Consume"/>).</summary>
    private sealed class FrameCheck
    {
        private readonly byte[] _copy = new byte[64 * 1024];
        private ulong _newest;

        public SortedDictionary<ulong, (long Frames, ulong MaxSeq)> Epochs { get; } = [];

        public long Torn { get; private set; }

        public long Disordered { get; private set; }

        public long OlderAfterNewer { get; private set; }

        public long CaughtTorn { get; private set; }

        public void OnFrame(in Frame f)
        {
            if (f.Epoch < _newest)
            {
                OlderAfterNewer++;
                return;
            }
            FrameCopyResult copied = f.CopyPayloadTo(_copy);
            if (copied != FrameCopyResult.Copied)
            {
                CaughtTorn++; // the seqlock caught it (§8.3): not delivered
                return;
            }
            if (f.Epoch > _newest)
            {
                _newest = f.Epoch;
                Console.WriteLine($"epoch {_newest}");
            }
            if (!FramePattern.Matches(_copy.AsSpan(0, (int)f.ValuesLenBytes), f.Epoch, f.Seq))
            {
                Torn++;
                Console.Error.WriteLine($"torn frame accepted: epoch {f.Epoch} seq {f.Seq}");
            }
            if (Epochs.TryGetValue(f.Epoch, out (long Frames, ulong MaxSeq) e))
            {
                if (f.Seq <= e.MaxSeq)
                {
                    Disordered++;
                }
                Epochs[f.Epoch] = (e.Frames + 1, Math.Max(e.MaxSeq, f.Seq));
            }
            else
            {
                Epochs[f.Epoch] = (1, f.Seq);
            }
        }
    }
}
