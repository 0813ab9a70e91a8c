using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Frames.Internal;
using TensorPool.Frames;
using TensorPool.Producers;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Producer and consumer processes of the data-path tests (tests/TensorPool.Client.Tests/DataPath/MultiProcessTests.cs).
/// Every scenario runs a real client on tp:ipc under the base dir and namespace it is given, with generous timing
/// windows (a loaded 2-core machine may starve a process for seconds). Frames are self-checking
/// (<see cref="SyntheticPayload"/>). Producers print <c>producing EPOCH</c>, then <c>done PUBLISHED EPOCH</c>, and stay
/// alive (their regions mapped) until a <c>stop</c> line; consumers print <c>ready</c>, and on <c>stop</c> drain what
/// is left and print <c>result {json}</c>. Every wait has a deadline.
/// </summary>
public static class DataPathScenarios
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    internal static ClientOptions Options(string baseDir, string nameSpace, Action<ClientOptions>? configure = null)
    {
        var options = new ClientOptions
        {
            ShmBaseDir = baseDir,
            Namespace = nameSpace,
            QosPeriod = TimeSpan.FromMilliseconds(200),
            FreshnessWindow = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>
    /// <c>dp-produce base namespace stream frames sizes slots consumers burst pauseMs</c>: publishes <c>frames</c>
    /// frames once <c>consumers</c> consumers have mapped its epoch. <c>sizes</c> is <c>mixed</c> (16..4096 bytes,
    /// pools of 256, 1024 and 4096) or a fixed byte count. Frames go out in bursts of <c>burst</c> with a
    /// <c>pauseMs</c> sleep between bursts (0: flat out).
    /// </summary>
    [Scenario("dp-produce")]
    public static int Produce(string[] args)
    {
        string baseDir = args[0];
        string nameSpace = args[1];
        uint stream = uint.Parse(args[2], CultureInfo.InvariantCulture);
        long frames = long.Parse(args[3], CultureInfo.InvariantCulture);
        bool mixed = args[4] == "mixed";
        int fixedBytes = mixed ? 0 : int.Parse(args[4], CultureInfo.InvariantCulture);
        int slots = int.Parse(args[5], CultureInfo.InvariantCulture);
        int waitFor = int.Parse(args[6], CultureInfo.InvariantCulture);
        int burst = int.Parse(args[7], CultureInfo.InvariantCulture);
        int pauseMs = int.Parse(args[8], CultureInfo.InvariantCulture);
        var stop = StdinCommands.Start();

        var mapped = new MappedConsumers(stream);
        using TensorPoolClient client = TensorPoolClient.Connect(Options(baseDir, nameSpace, o => o.QosHandler = mapped.OnQos));
        using Producer producer = client.AddProducer(new ProducerOptions
        {
            StreamId = stream,
            HeaderNslots = slots,
            Pools = mixed
                ? [new PayloadPoolOptions(1, 256), new PayloadPoolOptions(2, 1024), new PayloadPoolOptions(3, 4096)]
                : [new PayloadPoolOptions(1, (uint)((fixedBytes + 63) & ~63))],
        });
        if (!mapped.Wait(producer.Epoch, waitFor, Deadline, () => stop.Stopped))
        {
            return 3;
        }
        Console.WriteLine(FormattableString.Invariant($"producing {producer.Epoch}"));
        long published = 0;
        for (ulong seq = 0; seq < (ulong)frames && !stop.Stopped; seq++)
        {
            int length = mixed ? MixedLength(seq) : fixedBytes;
            if (!producer.TryClaim(length, out FrameClaim claim))
            {
                Console.Error.WriteLine($"no pool for {length} bytes");
                return 1;
            }
            SyntheticPayload.Fill(claim.Payload, claim.Seq);
            claim.TimestampNs = (ulong)Time.MonotonicClock.Instance.NanoTime();
            producer.Commit(ref claim);
            published++;
            if (pauseMs > 0 && published % burst == 0)
            {
                Thread.Sleep(pauseMs);
            }
        }
        Console.WriteLine(FormattableString.Invariant($"done {published} {producer.Epoch}"));
        stop.WaitStop(Deadline);
        return 0;
    }

    /// <summary>Frame length of <paramref name="seq"/> in the mixed-size runs: 16 to 4096 bytes, spread over the three pools.</summary>
    public static int MixedLength(ulong seq)
    {
        ulong h = (seq + 1) * 0x9E3779B97F4A7C15UL;
        h ^= h >> 29;
        return 16 + (int)(h % (4096 - 16 + 1));
    }

    /// <summary>
    /// <c>dp-consume base namespace stream readDelayUs</c>: verifies every frame it is handed, reading the body in four
    /// chunks with a busy wait of <c>readDelayUs</c> between them (a slow reader the producer can lap mid-read), then
    /// asks the seqlock. Records accepted frames by epoch: an accepted frame of an older epoch than one already
    /// accepted is counted in <c>old_epoch_after_new</c> (must stay 0).
    /// </summary>
    [Scenario("dp-consume")]
    public static int Consume(string[] args)
    {
        string baseDir = args[0];
        string nameSpace = args[1];
        uint stream = uint.Parse(args[2], CultureInfo.InvariantCulture);
        long delayTicks = (long)(double.Parse(args[3], CultureInfo.InvariantCulture) * Stopwatch.Frequency / 1e6);
        var stop = StdinCommands.Start();
        using TensorPoolClient client = TensorPoolClient.Connect(Options(baseDir, nameSpace, o => o.LivenessTimeout = TimeSpan.FromSeconds(30)));
        using Consumer consumer = client.AddConsumer(stream);
        var tally = new Tally();
        var handler = new SlowVerifier(tally, delayTicks);
        Console.WriteLine("ready");
        var clock = Stopwatch.StartNew();
        while (!stop.Stopped)
        {
            if (consumer.Poll(ref handler, 64) == 0)
            {
                Thread.Yield();
            }
            if (clock.Elapsed > Deadline)
            {
                Console.Error.WriteLine("deadline");
                return 3;
            }
        }
        while (consumer.Poll(ref handler, 64) > 0)
        {
        }
        ConsumerCounters c = consumer.Counters;
        var result = new Dictionary<string, object?>
        {
            ["accepted"] = c.FramesAccepted,
            ["verified"] = tally.Verified,
            ["corrupt"] = tally.Corrupt,
            ["drops_gap"] = c.DropsGap,
            ["drops_late"] = c.DropsLate,
            ["drops_resync"] = c.DropsResync,
            ["drops_epoch"] = c.DropsEpoch,
            ["drops_unmapped"] = c.DropsUnmapped,
            ["drops_invalid"] = c.DropsInvalid,
            ["drops_regressed"] = c.DropsRegressed,
            ["first_seq"] = c.FirstSeqSeen,
            ["last_seq"] = c.LastSeqSeen,
            ["mappings"] = c.Mappings,
            ["epochs_accepted"] = tally.Epochs.Count,
            ["old_epoch_after_new"] = tally.OldEpochAfterNew,
            ["accepted_last_epoch"] = tally.AcceptedInLastEpoch,
        };
        Console.WriteLine("result " + JsonSerializer.Serialize(result));
        return 0;
    }

    internal sealed class Tally
    {
        public long Verified;
        public long Corrupt;
        public long OldEpochAfterNew;
        public long AcceptedInLastEpoch;
        public ulong MaxEpoch;
        public HashSet<ulong> Epochs { get; } = [];
    }

    internal readonly struct SlowVerifier(Tally tally, long delayTicks) : IFrameHandler
    {
        public void OnFrame(in Frame frame)
        {
            ReadOnlySpan<byte> p = frame.Payload;
            bool intact = p.Length >= SyntheticPayload.MinLength && BinaryPrimitives.ReadUInt64LittleEndian(p) == frame.Seq;
            if (intact)
            {
                ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(p[8..]);
                ReadOnlySpan<byte> body = p[SyntheticPayload.MinLength..];
                int chunk = (body.Length / 4) & ~7; // 8-byte aligned chunks keep the word sums additive
                ulong sum = 0;
                for (int i = 0; i < 4; i++)
                {
                    ReadOnlySpan<byte> part = i < 3 ? body.Slice(i * chunk, chunk) : body[(3 * chunk)..];
                    sum += SyntheticPayload.Checksum(part);
                    Pause(delayTicks);
                }
                intact = sum == expected;
            }
            if (!frame.IsStillValid())
            {
                return;
            }
            if (intact)
            {
                tally.Verified++;
            }
            else
            {
                tally.Corrupt++;
            }
            if (frame.Epoch < tally.MaxEpoch)
            {
                tally.OldEpochAfterNew++;
            }
            if (frame.Epoch > tally.MaxEpoch)
            {
                tally.MaxEpoch = frame.Epoch;
                tally.AcceptedInLastEpoch = 0;
            }
            tally.AcceptedInLastEpoch++;
            tally.Epochs.Add(frame.Epoch);
        }

        private static void Pause(long ticks)
        {
            if (ticks <= 0)
            {
                return;
            }
            long until = Stopwatch.GetTimestamp() + ticks;
            while (Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(10);
            }
        }
    }
}
