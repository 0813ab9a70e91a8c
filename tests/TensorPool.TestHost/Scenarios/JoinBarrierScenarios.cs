using System.Diagnostics;
using System.Globalization;
using TensorPool.JoinBarrier;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Transport;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Processes of the MergeMap tests (tests/TensorPool.JoinBarrier.Tests/LateJoinerMultiProcessTests.cs), on tp:ipc over
/// the base dir given (user "tester", control stream 1000). Each prints <c>ready</c> once it is on the stream and ends
/// with a <c>result key=value…</c> line.
/// </summary>
public static class JoinBarrierScenarios
{
    private const int ExitDeadline = 3;

    /// <summary>The sequence map the authority scenario owns for (out, epoch).</summary>
    public static SequenceMergeMap SequenceMap(uint outStreamId, ulong epoch) =>
        new(outStreamId, epoch, [SequenceMergeRule.ForOffset(10000, 0), SequenceMergeRule.ForOffset(10001, -2), SequenceMergeRule.ForWindow(10002, 4)], staleTimeoutNs: 5_000_000_000);

    /// <summary>The timestamp map the authority scenario owns for (out, epoch).</summary>
    public static TimestampMergeMap TimestampMap(uint outStreamId, ulong epoch) =>
        new(outStreamId, epoch, ClockDomain.Monotonic, [TimestampMergeRule.ForOffset(10000, 0), TimestampMergeRule.ForWindow(10001, 10_000_000, TimestampSource.FrameDescriptor)],
            latenessNs: 10_000_000);

    /// <summary>
    /// <c>mergemap-authority base out epoch deadlineSeconds</c>: owns <see cref="SequenceMap"/> and <see cref="TimestampMap"/>,
    /// announces them once (the re-announce interval is an hour, so later copies are answers to requests), prints
    /// <c>ready</c>, and answers requests until stdin says stop.
    /// </summary>
    [Scenario("mergemap-authority")]
    public static int Authority(string[] args)
    {
        using TpIpcTransport transport = Open(args[0]);
        uint output = uint.Parse(args[1], CultureInfo.InvariantCulture);
        ulong epoch = ulong.Parse(args[2], CultureInfo.InvariantCulture);
        var deadline = Stopwatch.StartNew();
        TimeSpan limit = TimeSpan.FromSeconds(int.Parse(args[3], CultureInfo.InvariantCulture));
        StdinCommands stdin = StdinCommands.Start();
        using var authority = new MergeMapAuthority(transport, new MergeMapControlOptions { AnnounceInterval = TimeSpan.FromHours(1) });
        authority.Publish(SequenceMap(output, epoch));
        authority.Publish(TimestampMap(output, epoch));
        authority.DoWork();
        Console.WriteLine("ready");
        while (!stdin.Stopped)
        {
            if (deadline.Elapsed > limit)
            {
                return Finish(ExitDeadline, authority);
            }
            if (authority.DoWork() == 0)
            {
                Thread.Sleep(1);
            }
        }
        authority.DoWork();
        return Finish(0, authority);
    }

    /// <summary>
    /// <c>mergemap-late-joiner base out epoch deadlineSeconds</c>: a sequence and a timestamp barrier for (out, epoch)
    /// that start with no map; each check that finds none requires it from the client, until both maps apply. Prints
    /// each map it obtained (<c>map …</c>) and its request count.
    /// </summary>
    [Scenario("mergemap-late-joiner")]
    public static int LateJoiner(string[] args)
    {
        using TpIpcTransport transport = Open(args[0]);
        uint output = uint.Parse(args[1], CultureInfo.InvariantCulture);
        ulong epoch = ulong.Parse(args[2], CultureInfo.InvariantCulture);
        TimeSpan limit = TimeSpan.FromSeconds(int.Parse(args[3], CultureInfo.InvariantCulture));
        var registry = new MergeMapRegistry();
        using var client = new MergeMapClient(transport, registry);
        var sequence = new SequenceJoinBarrier(registry, output);
        var timestamp = new TimestampJoinBarrier(registry, output);
        sequence.SetOutputEpoch(epoch);
        timestamp.SetOutputEpoch(epoch);
        Console.WriteLine("ready");
        var clock = Stopwatch.StartNew();
        while (sequence.Map is null || timestamp.Map is null)
        {
            if (clock.Elapsed > limit)
            {
                return Result(ExitDeadline);
            }
            if (sequence.Check(0).Status == JoinStatus.NoMap)
            {
                client.Require(sequence);
            }
            if (timestamp.Check(0).Status == JoinStatus.NoMap)
            {
                client.Require(timestamp);
            }
            if (client.DoWork() == 0)
            {
                Thread.Sleep(1);
            }
        }
        Console.WriteLine($"map {sequence.Map}");
        Console.WriteLine($"map {timestamp.Map}");
        return Result(0);

        int Result(int exitCode)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"result requests={client.RequestsSent} sequence={(sequence.Map is null ? 0 : 1)} timestamp={(timestamp.Map is null ? 0 : 1)} announces_seen={registry.Applied + registry.Unchanged}"));
            return exitCode;
        }
    }

    private static TpIpcTransport Open(string baseDir) =>
        new(new TpIpcOptions { BaseDir = baseDir, User = "tester", LogCapacity = 256 * 1024 });

    private static int Finish(int exitCode, MergeMapAuthority authority)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result announces={authority.Announces} responses={authority.Responses} requests={authority.Requests} malformed={authority.Malformed}"));
        return exitCode;
    }
}
