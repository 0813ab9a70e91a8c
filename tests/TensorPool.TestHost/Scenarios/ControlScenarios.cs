using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Control;
using TensorPool.Frames.Internal;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Producer and consumer processes of the consumer-control tests (tests/TensorPool.Client.Tests/Control/ControlMultiProcessTests.cs):
/// per-consumer streams and max_rate_hz (§5, §10.1.2), liveness of per-consumer publications, FrameProgress of large
/// frames written in row blocks (§10.2.2), and meta blobs (§10.3.3, §15.9). Real clients on tp:ipc; hellos and QoS every
/// 200 ms; a consumer is stale after 3 s without either (generous on a loaded machine). Every wait has a deadline.
/// Producers take <c>status</c> (print <c>status {json}</c>) and <c>stop</c> lines on stdin; consumers print
/// <c>ready ID</c> and on <c>stop</c> drain and print <c>result {json}</c>.
/// </summary>
public static class ControlScenarios
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    private static ClientOptions Options(string baseDir, string nameSpace, Action<ClientOptions>? configure = null) =>
        DataPathScenarios.Options(baseDir, nameSpace, o =>
        {
            o.HelloPeriod = TimeSpan.FromMilliseconds(200);
            o.ConsumerStaleTimeout = TimeSpan.FromSeconds(3);
            o.LivenessTimeout = TimeSpan.FromSeconds(30);
            configure?.Invoke(o);
        });

    private static uint U(string s) => uint.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>ctl-produce base namespace stream frames rateHz rows rowBytes rowBlocks consumers slots</c>: once
    /// <c>consumers</c> consumers mapped its epoch, publishes <c>frames</c> frames of rows × rowBytes bytes (uint8
    /// tensors, self-checking) at <c>rateHz</c> (0: flat out). With <c>rowBlocks</c> &gt; 0 each frame is written in
    /// that many row blocks with ReportProgress after each (progress unit ROWS). Prints <c>done PUBLISHED SECONDS</c>
    /// and answers each <c>status</c> with <c>status N {json}</c> (N counts from 1) until <c>stop</c>.
    /// </summary>
    [Scenario("ctl-produce")]
    public static int Produce(string[] args)
    {
        uint stream = U(args[2]);
        long frames = long.Parse(args[3], CultureInfo.InvariantCulture);
        double rateHz = double.Parse(args[4], CultureInfo.InvariantCulture);
        int rows = int.Parse(args[5], CultureInfo.InvariantCulture);
        int rowBytes = int.Parse(args[6], CultureInfo.InvariantCulture);
        int rowBlocks = int.Parse(args[7], CultureInfo.InvariantCulture);
        int waitFor = int.Parse(args[8], CultureInfo.InvariantCulture);
        int slots = int.Parse(args[9], CultureInfo.InvariantCulture);
        var commands = StdinCommands.Start();
        var mapped = new MappedConsumers(stream);
        using TensorPoolClient client = TensorPoolClient.Connect(Options(args[0], args[1], o => o.QosHandler = mapped.OnQos));
        int bytes = rows * rowBytes;
        using Producer producer = client.AddProducer(new ProducerOptions
        {
            StreamId = stream,
            HeaderNslots = slots,
            Pools = [new PayloadPoolOptions(1, (uint)((bytes + 63) & ~63))],
            Prefault = false,
        });
        if (!mapped.Wait(producer.Epoch, waitFor, Deadline, () => commands.Stopped))
        {
            return 3;
        }
        Console.WriteLine(FormattableString.Invariant($"producing {producer.Epoch}"));
        byte[] frame = new byte[bytes];
        int[] shape = [rows, rowBytes];
        long published = 0;
        var clock = Stopwatch.StartNew();
        while (published < frames && !commands.Stopped)
        {
            if (rateHz > 0 && clock.Elapsed.TotalSeconds * rateHz < published)
            {
                Thread.Sleep(1);
                continue;
            }
            if (!producer.TryClaim(bytes, out FrameClaim claim))
            {
                Console.Error.WriteLine($"no pool for {bytes} bytes");
                return 1;
            }
            claim.SetTensor(Dtype.Uint8, shape);
            if (rowBlocks > 0)
            {
                claim.SetProgress(ProgressUnit.Rows, (uint)rowBytes);
                SyntheticPayload.Fill(frame, claim.Seq);
                int rowsPerBlock = (rows + rowBlocks - 1) / rowBlocks;
                for (int row = 0; row < rows; row += rowsPerBlock)
                {
                    int start = row * rowBytes;
                    int end = Math.Min(rows, row + rowsPerBlock) * rowBytes;
                    frame.AsSpan(start, end - start).CopyTo(claim.Payload[start..]);
                    producer.ReportProgress(ref claim, end);
                }
            }
            else
            {
                SyntheticPayload.Fill(claim.Payload, claim.Seq);
            }
            claim.TimestampNs = (ulong)Time.MonotonicClock.Instance.NanoTime();
            producer.Commit(ref claim);
            published++;
        }
        Console.WriteLine(FormattableString.Invariant($"done {published} {clock.Elapsed.TotalSeconds:F3}"));
        for (int n = 1; commands.Next(Deadline) is "status"; n++)
        {
            ProducerControlCounters c = producer.ControlCounters;
            Console.WriteLine(FormattableString.Invariant($"status {n} ") + JsonSerializer.Serialize(new Dictionary<string, long>
            {
                ["consumers_tracked"] = c.ConsumersTracked,
                ["consumers_timed_out"] = c.ConsumersTimedOut,
                ["per_consumer_streams_open"] = c.PerConsumerStreamsOpen,
                ["descriptors_rate_limited"] = c.DescriptorsRateLimited,
                ["progress_sent"] = c.ProgressSent,
                ["hellos_received"] = c.HellosReceived,
            }));
        }
        return 0;
    }

    /// <summary>
    /// <c>ctl-consume base namespace stream mode maxRateHz descriptorStreamId progressBytesDelta</c>: mode
    /// <c>stream</c> or <c>rate-limited</c>; descriptorStreamId 0 = no per-consumer stream; progressBytesDelta 0 = no
    /// progress, else opt in with that progress_bytes_delta hint. Verifies every frame; tracks progress per frame
    /// (monotonic, prefix holds the frame's sequence).
    /// </summary>
    [Scenario("ctl-consume")]
    public static int Consume(string[] args)
    {
        uint stream = U(args[2]);
        uint descriptorStream = U(args[5]);
        uint progressDelta = U(args[6]);
        var commands = StdinCommands.Start();
        using TensorPoolClient client = TensorPoolClient.Connect(Options(args[0], args[1]));
        var progress = new ProgressCheck();
        var options = new ConsumerOptions
        {
            StreamId = stream,
            Mode = args[3] == "rate-limited" ? Mode.RateLimited : Mode.Stream,
            MaxRateHz = U(args[4]),
        };
        if (descriptorStream != 0)
        {
            options.DescriptorChannel = client.Options.Channel;
            options.DescriptorStreamId = descriptorStream;
        }
        if (progressDelta != 0)
        {
            options.ProgressHandler = progress.OnProgress;
            options.ProgressBytesDelta = progressDelta;
        }
        using Consumer consumer = client.AddConsumer(options);
        var tally = new DataPathScenarios.Tally();
        var verifier = new DataPathScenarios.SlowVerifier(tally, 0);
        Console.WriteLine("ready " + consumer.ConsumerId.ToString(CultureInfo.InvariantCulture));
        var clock = Stopwatch.StartNew();
        while (!commands.Stopped)
        {
            if (consumer.Poll(ref verifier, 64) == 0)
            {
                Thread.Sleep(0);
            }
            if (clock.Elapsed > Deadline)
            {
                Console.Error.WriteLine("deadline");
                return 3;
            }
        }
        while (consumer.Poll(ref verifier, 64) > 0)
        {
        }
        ConsumerCounters c = consumer.Counters;
        ConsumerControlCounters cc = consumer.ControlCounters;
        var result = new Dictionary<string, object?>
        {
            ["accepted"] = c.FramesAccepted,
            ["verified"] = tally.Verified,
            ["corrupt"] = tally.Corrupt,
            ["drops_total"] = c.DropsTotal,
            ["first_seq"] = c.FirstSeqSeen,
            ["last_seq"] = c.LastSeqSeen,
            ["per_consumer_stream"] = consumer.OnPerConsumerStream,
            ["configs_received"] = cc.ConfigsReceived,
            ["progress_frames"] = progress.Frames,
            ["progress_messages"] = progress.Messages,
            ["progress_started"] = progress.Started,
            ["progress_complete"] = progress.Complete,
            ["progress_max_per_frame"] = progress.MaxPerFrame,
            ["progress_regressions"] = progress.Regressions,
            ["progress_prefix_mismatch"] = progress.PrefixMismatch,
            ["progress_dropped"] = cc.ProgressRegressed + cc.ProgressOverLength + cc.ProgressLayout + cc.ProgressMalformed,
        };
        Console.WriteLine("result " + JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>
    /// <c>ctl-blob-consume base namespace stream</c>: keeps a client (and its metadata cache) polling; on <c>stop</c>
    /// prints the blobs held for meta versions 0-15 (length, CRC-32C, whether the checksum was verified) and the
    /// discards by reason (<c>status N {json}</c> on each <c>status</c>, <c>result {json}</c> on <c>stop</c>).
    /// </summary>
    [Scenario("ctl-blob-consume")]
    public static int BlobConsume(string[] args)
    {
        uint stream = U(args[2]);
        var commands = StdinCommands.Start();
        using TensorPoolClient client = TensorPoolClient.Connect(Options(args[0], args[1]));
        using Consumer consumer = client.AddConsumer(stream);
        Console.WriteLine("ready " + consumer.ConsumerId.ToString(CultureInfo.InvariantCulture));
        for (int n = 1; commands.Next(Deadline) is "status"; n++)
        {
            Console.WriteLine(FormattableString.Invariant($"status {n} ") + BlobReport(client.Metadata, stream));
        }
        Console.WriteLine("result " + BlobReport(client.Metadata, stream));
        return 0;
    }

    private static string BlobReport(MetadataCache cache, uint stream)
    {
        var blobs = new Dictionary<string, object>();
        for (uint v = 0; v < 16; v++)
        {
            if (cache.TryGetBlob(stream, v, out MetaBlob blob))
            {
                blobs[v.ToString(CultureInfo.InvariantCulture)] = new Dictionary<string, object>
                {
                    ["length"] = blob.Bytes.Length,
                    ["crc32c"] = Crc32C.Compute(blob.Bytes),
                    ["blob_type"] = blob.BlobType,
                    ["checksum_verified"] = blob.ChecksumVerified,
                };
            }
        }
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["blobs"] = blobs,
            ["discards"] = Enum.GetValues<MetaBlobDiscard>().ToDictionary(r => r.ToString(), r => cache.BlobDiscards(r)),
            ["completed"] = cache.BlobsCompleted,
        });
    }

    /// <summary>
    /// <c>ctl-blob-produce base namespace stream bytes</c>: a producer (meta_version 1) publishes a blob of
    /// <c>bytes</c> bytes with CRC-32C (blob type 1); then, crafted on the metadata stream for versions 2 and 3, the
    /// same blob with its second chunk dropped and with one byte of a chunk flipped after the checksum was computed.
    /// Prints <c>sent CRC32C</c> and waits for <c>stop</c>.
    /// </summary>
    [Scenario("ctl-blob-produce")]
    public static int BlobProduce(string[] args)
    {
        uint stream = U(args[2]);
        int length = int.Parse(args[3], CultureInfo.InvariantCulture);
        var commands = StdinCommands.Start();
        using TensorPoolClient client = TensorPoolClient.Connect(Options(args[0], args[1]));
        using Producer producer = client.AddProducer(new ProducerOptions { StreamId = stream, MetaVersion = 1, Prefault = false });
        byte[] blob = new byte[length];
        new Random(length).NextBytes(blob);
        if (!producer.PublishMetaBlob(1, blob))
        {
            Console.Error.WriteLine("the intact blob was not sent");
            return 1;
        }
        using IPublication metadata = client.Transport.AddPublication(client.Options.Channel, client.Options.MetadataStreamId);
        bool dropped = new MetaBlobSender(new CraftingPublication(metadata, CraftingPublication.Fault.DropSecondChunk)).Send(stream, 2, 1, blob, checksum: true);
        bool flipped = new MetaBlobSender(new CraftingPublication(metadata, CraftingPublication.Fault.FlipByteInSecondChunk)).Send(stream, 3, 1, blob, checksum: true);
        if (!dropped || !flipped)
        {
            Console.Error.WriteLine("a crafted blob was not sent");
            return 1;
        }
        Console.WriteLine("sent " + Crc32C.Compute(blob).ToString(CultureInfo.InvariantCulture));
        commands.Next(Deadline);
        return 0;
    }

    /// <summary>Offers meta blob messages through to a real publication, spoiling the second chunk as told.</summary>
    private sealed class CraftingPublication(IPublication inner, CraftingPublication.Fault fault) : IPublication
    {
        public enum Fault
        {
            DropSecondChunk,
            FlipByteInSecondChunk,
        }

        private int _chunks;

        public string Channel => inner.Channel;

        public int StreamId => inner.StreamId;

        public int MaxMessageLength => inner.MaxMessageLength;

        public bool IsClosed => inner.IsClosed;

        public long Offer(ReadOnlySpan<byte> message)
        {
            if (Sbe.SbeMessageHeader.TryRead(message, out Sbe.SbeMessageHeader h) && h.TemplateId == MetaBlobChunkDecoder.TemplateId && ++_chunks == 2)
            {
                if (fault == Fault.DropSecondChunk)
                {
                    return 0; // "sent": the receivers see a gap
                }
                byte[] copy = message.ToArray();
                copy[^1] ^= 0x5A; // the last data byte: the blob's CRC-32C no longer matches
                return OfferWithRetry(copy);
            }
            return OfferWithRetry(message);
        }

        /// <summary>Back-pressure is not the fault under test: retry (bounded) until the log takes the message.</summary>
        private long OfferWithRetry(ReadOnlySpan<byte> message)
        {
            var clock = Stopwatch.StartNew();
            long result;
            while ((result = inner.Offer(message)) < 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(1);
            }
            return result;
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Per-frame FrameProgress checks (§10.2.2): bytes only grow within a frame; the prefix is this frame's.</summary>
    private sealed class ProgressCheck
    {
        private ulong _seq = ulong.MaxValue;
        private ulong _filled;
        private long _inFrame;

        public long Frames;
        public long Messages;
        public long Started;
        public long Complete;
        public long MaxPerFrame;
        public long Regressions;
        public long PrefixMismatch;

        public void OnProgress(in FrameProgress p)
        {
            if (p.Seq != _seq)
            {
                _seq = p.Seq;
                _filled = 0;
                _inFrame = 0;
                Frames++;
            }
            if (p.PayloadBytesFilled < _filled)
            {
                Regressions++;
            }
            _filled = p.PayloadBytesFilled;
            Messages++;
            MaxPerFrame = Math.Max(MaxPerFrame, ++_inFrame);
            Started += p.State == FrameProgressState.Started ? 1 : 0;
            Complete += p.State == FrameProgressState.Complete ? 1 : 0;
            ReadOnlySpan<byte> prefix = p.Prefix;
            if (prefix.Length >= 8 && BinaryPrimitives.ReadUInt64LittleEndian(prefix) != p.Seq && p.IsStillValid())
            {
                PrefixMismatch++; // word 0 of a self-checking payload is its sequence
            }
        }
    }
}
