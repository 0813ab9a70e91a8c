using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.DriverClient;
using TensorPool.Frames;
using TensorPool.Producers;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Our producer and consumer in the interoperability scenarios with the reference implementation
/// (tests/TensorPool.Transport.Aeron.Tests/Interop): clients in the UseDriver mode on Aeron channels, attached to a
/// driver (the reference's tp_driver or ours) with the reference's stream ids (control 1000, announces 1001). Payloads
/// use the reference examples' "interop" pattern: 16 bytes, the frame's sequence and its complement, little endian.
/// Arguments: aeronDir channel streamId count deadlineSeconds. Each prints <c>attached</c>, then a <c>result …</c> line.
/// </summary>
public static class InteropScenarios
{
    private static ClientOptions Options(string aeronDir, string channel) => new()
    {
        Channel = channel,
        AeronDir = aeronDir,
        ShmBaseDir = "/dev/shm",
        AllowedBaseDirs = ["/dev/shm"],
        FreshnessWindow = TimeSpan.FromSeconds(30),
        Driver = new DriverClientOptions
        {
            ControlChannel = channel,
            ControlStreamId = 1000,
            AnnounceChannel = channel,
            AnnounceStreamId = 1001,
            AttachTimeout = TimeSpan.FromSeconds(60),
            ResponseTimeout = TimeSpan.FromSeconds(1),
        },
        ErrorHandler = e => Console.Error.WriteLine("client: " + e.Message),
    };

    /// <summary>The reference examples' interop payload of frame <paramref name="seq"/>.</summary>
    public static void Fill(Span<byte> payload, ulong seq)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(payload, seq);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[8..], ~seq);
    }

    /// <summary>
    /// <c>interop-consume</c>: receives frames and checks every payload after the seqlock confirmed it (a frame
    /// overwritten while read is <c>torn</c>, counted late by the consumer; a confirmed frame with a wrong payload is
    /// <c>bad</c>); <c>result frames=N bad=B torn=T first=S last=S drops=D …</c>.
    /// </summary>
    [Scenario("interop-consume")]
    public static int Consume(string[] args)
    {
        using var client = TensorPoolClient.Connect(Options(args[0], args[1]));
        using Consumer consumer = client.AddConsumer(uint.Parse(args[2], CultureInfo.InvariantCulture));
        Console.WriteLine("attached");
        long count = long.Parse(args[3], CultureInfo.InvariantCulture);
        var deadline = Stopwatch.StartNew();
        TimeSpan limit = TimeSpan.FromSeconds(int.Parse(args[4], CultureInfo.InvariantCulture));
        long frames = 0, bad = 0, torn = 0;
        ulong? first = null, last = null;
        while (frames < count && deadline.Elapsed < limit)
        {
            int work = consumer.Poll((in Frame f) =>
            {
                frames++;
                first ??= f.Seq;
                last = f.Seq;
                ReadOnlySpan<byte> p = f.Payload;
                // The pattern's counter is the producer's own, not necessarily the frame sequence: check it is whole.
                bool whole = p.Length >= 16 && BinaryPrimitives.ReadUInt64LittleEndian(p[8..]) == ~BinaryPrimitives.ReadUInt64LittleEndian(p);
                if (!f.IsStillValid())
                {
                    torn++; // overwritten while read: the seqlock says so after the read, and the consumer counts it late
                }
                else if (!whole)
                {
                    bad++; // a payload that passed the seqlock check after the read and is still wrong
                }
            }, 16);
            if (work == 0)
            {
                Thread.Sleep(1);
            }
        }
        ConsumerCounters c = consumer.Counters;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result frames={frames} accepted={c.FramesAccepted} bad={bad} torn={torn} first={first} last={last} firstSeen={c.FirstSeqSeen} lastSeen={c.LastSeqSeen} drops={c.DropsTotal} gap={c.DropsGap} late={c.DropsLate} epoch={c.DropsEpoch} unmapped={c.DropsUnmapped} invalid={c.DropsInvalid}"));
        return frames >= count && bad == 0 ? 0 : 3;
    }

    /// <summary>
    /// <c>interop-produce</c>: publishes <c>count</c> frames of the interop pattern, one per millisecond, prints
    /// <c>result published=N failures=F</c> and waits for stdin to close.
    /// </summary>
    [Scenario("interop-produce")]
    public static int Produce(string[] args)
    {
        using var client = TensorPoolClient.Connect(Options(args[0], args[1]));
        using Producer producer = client.AddProducer(uint.Parse(args[2], CultureInfo.InvariantCulture));
        Console.WriteLine("attached");
        long count = long.Parse(args[3], CultureInfo.InvariantCulture);
        var deadline = Stopwatch.StartNew();
        TimeSpan limit = TimeSpan.FromSeconds(int.Parse(args[4], CultureInfo.InvariantCulture));
        Span<byte> payload = stackalloc byte[16];
        long published = 0;
        while (published < count && deadline.Elapsed < limit)
        {
            Fill(payload, (ulong)published);
            if (producer.TryOffer(payload))
            {
                published++;
            }
            Thread.Sleep(1);
        }
        ProducerCounters c = producer.Counters;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result published={published} failures={c.DescriptorOfferFailures}"));
        Console.In.ReadLine();
        return published == count ? 0 : 3;
    }
}
