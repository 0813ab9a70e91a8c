using System.Diagnostics;
using System.Globalization;
using TensorPool.Transport;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Processes of the tp:ipc transport tests (tests/TensorPool.Transport.Tests/MultiProcessTests.cs). Every scenario opens
/// the transport on the base dir, log capacity and stream it is given (user "tester", channel tp:ipc), prints
/// <c>ready</c> once its publication or subscription exists, and ends with a <c>result key=value…</c> line. Every loop
/// has a deadline; a scenario that runs out of time prints its result and exits 3.
/// </summary>
public static class TransportScenarios
{
    public const string Channel = "tp:ipc";
    private const int ExitDeadline = 3;

    /// <summary>
    /// <c>transport-stress-publisher base capacity stream publisher count board window deadlineSeconds slot…</c>:
    /// offers <c>count</c> <see cref="TransportMessages"/>, keeping the stream tail within <c>window</c> bytes of the
    /// slowest subscriber among the board slots given (the ones that must not lose anything).
    /// </summary>
    [Scenario("transport-stress-publisher")]
    public static int StressPublisher(string[] args)
    {
        using TpIpcTransport transport = Open(args, stallMs: 0);
        int stream = Int(args[2]);
        int publisher = Int(args[3]);
        int count = Int(args[4]);
        using var board = new ProgressBoard(args[5]);
        long window = long.Parse(args[6], CultureInfo.InvariantCulture);
        var deadline = Deadline(args[7]);
        int[] watched = [.. args[8..].Select(Int)];
        using TpIpcPublication publication = transport.AddPublication(Channel, stream);
        Console.WriteLine("ready");
        Span<byte> buffer = stackalloc byte[TransportMessages.MaxLength];
        long retries = 0;
        for (int sequence = 0; sequence < count; sequence++)
        {
            if ((sequence & 31) == 0)
            {
                while (publication.Position - board.Min(watched) > window)
                {
                    if (deadline.Elapsed)
                    {
                        return Finish(ExitDeadline, $"sent={sequence} retries={retries} reason=window");
                    }
                    Thread.Yield();
                }
            }
            int length = TransportMessages.Write(buffer, publisher, sequence);
            long result;
            while ((result = publication.Offer(buffer[..length])) < 0)
            {
                // AdminAction: this process was stopped so long that the ring overran its claim. Offer again.
                retries++;
                if (result != PublicationStatus.AdminAction || deadline.Elapsed)
                {
                    return Finish(1, $"sent={sequence} retries={retries} status={PublicationStatus.Describe(result)}");
                }
            }
        }
        PublicationCounters c = publication.Counters;
        return Finish(0, $"sent={c.Offers} retries={retries} abandoned={c.Abandoned}");
    }

    /// <summary>
    /// <c>transport-stress-subscriber base capacity stream total publishers board slot slow deadlineSeconds</c>: receives
    /// until received + lost = total, checking every message (checksum, body, per-publisher order). A normal subscriber
    /// (slow = 0) yields when idle and publishes its position on the board; a slow one (slow = 1) reads 4 messages per
    /// millisecond at most, so the publishers lap it.
    /// </summary>
    [Scenario("transport-stress-subscriber")]
    public static int StressSubscriber(string[] args)
    {
        using TpIpcTransport transport = Open(args, stallMs: 0);
        int stream = Int(args[2]);
        long total = long.Parse(args[3], CultureInfo.InvariantCulture);
        int publishers = Int(args[4]);
        using var board = new ProgressBoard(args[5]);
        int slot = Int(args[6]);
        bool slow = args[7] == "1";
        var deadline = Deadline(args[8]);
        using TpIpcSubscription subscription = transport.AddSubscription(Channel, stream);
        board.Publish(slot, subscription.Position);
        Console.WriteLine("ready");
        var checker = new StressChecker(publishers, requireEveryMessage: !slow);
        while (true)
        {
            int n = subscription.Poll(ref checker, slow ? 4 : 256);
            SubscriptionCounters c = subscription.Counters;
            if (c.Received + c.LostMessages >= total)
            {
                return Finish(0, checker.Report(c));
            }
            if (deadline.Elapsed)
            {
                return Finish(ExitDeadline, checker.Report(c));
            }
            if (slow)
            {
                Thread.Sleep(1);
            }
            else
            {
                board.Publish(slot, subscription.Position);
                if (n == 0)
                {
                    Thread.Yield();
                }
            }
        }
    }

    /// <summary>
    /// <c>transport-claim-and-hang base capacity stream</c>: claims a 64-byte message, writes half of it, prints
    /// <c>claimed</c> and sleeps until killed: a publisher that dies between claim and commit.
    /// </summary>
    [Scenario("transport-claim-and-hang")]
    public static int ClaimAndHang(string[] args)
    {
        using TpIpcTransport transport = Open(args, stallMs: 0);
        using TpIpcPublication publication = transport.AddPublication(Channel, Int(args[2]));
        long end = publication.TryClaim(64, out Span<byte> buffer);
        if (end < 0)
        {
            return Finish(1, "claim=" + PublicationStatus.Describe(end));
        }
        buffer[..32].Fill(0xAB);
        Console.WriteLine($"claimed end={end}");
        Thread.Sleep(TimeSpan.FromMinutes(5));
        return Finish(ExitDeadline, "not-killed=1");
    }

    /// <summary>
    /// <c>transport-count-subscriber base capacity stream expected stallMs deadlineSeconds</c>: receives until
    /// <c>expected</c> whole <see cref="TransportMessages"/> arrived, then reports its counters.
    /// </summary>
    [Scenario("transport-count-subscriber")]
    public static int CountSubscriber(string[] args)
    {
        using TpIpcTransport transport = Open(args, stallMs: Int(args[4]));
        long expected = long.Parse(args[3], CultureInfo.InvariantCulture);
        var deadline = Deadline(args[5]);
        using TpIpcSubscription subscription = transport.AddSubscription(Channel, Int(args[2]));
        Console.WriteLine("ready");
        var checker = new StressChecker(publishers: 1, requireEveryMessage: true);
        while (subscription.Counters.Received < expected)
        {
            if (deadline.Elapsed)
            {
                return Finish(ExitDeadline, checker.Report(subscription.Counters));
            }
            if (subscription.Poll(ref checker, 64) == 0)
            {
                subscription.WaitForMessages(TimeSpan.FromMilliseconds(50));
            }
        }
        return Finish(0, checker.Report(subscription.Counters));
    }

    /// <summary><c>transport-publish base capacity stream count</c>: offers <c>count</c> messages as publisher 0.</summary>
    [Scenario("transport-publish")]
    public static int Publish(string[] args)
    {
        using TpIpcTransport transport = Open(args, stallMs: 0);
        using TpIpcPublication publication = transport.AddPublication(Channel, Int(args[2]));
        Span<byte> buffer = stackalloc byte[TransportMessages.MaxLength];
        int count = Int(args[3]);
        for (int sequence = 0; sequence < count; sequence++)
        {
            int length = TransportMessages.Write(buffer, 0, sequence);
            if (publication.Offer(buffer[..length]) < 0)
            {
                return Finish(1, $"sent={sequence}");
            }
        }
        return Finish(0, $"sent={count}");
    }

    private static TpIpcTransport Open(string[] args, int stallMs) => new(new TpIpcOptions
    {
        BaseDir = args[0],
        User = "tester",
        LogCapacity = long.Parse(args[1], CultureInfo.InvariantCulture),
        // Long by default: a descheduled publisher on a loaded test machine must not look dead.
        StallTimeout = stallMs > 0 ? TimeSpan.FromMilliseconds(stallMs) : TimeSpan.FromSeconds(60),
    });

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static ScenarioDeadline Deadline(string seconds) => new(TimeSpan.FromSeconds(Int(seconds)));

    private static int Finish(int exitCode, string result)
    {
        Console.WriteLine("result " + result);
        return exitCode;
    }

    private sealed class ScenarioDeadline(TimeSpan limit)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public bool Elapsed => _clock.Elapsed > limit;
    }
}
