using System.Diagnostics;
using System.Globalization;
using TensorPool.Client;
using TensorPool.JoinBarrier;
using TensorPool.Sbe;
using TensorPool.Sbe.JoinBarrier;
using TensorPool.Transport;

namespace TensorPool.TestHost.Scenarios;

/// <summary>Processes of the <c>tp join</c> tests (tests/TensorPool.JoinBarrier.Tests/Stage/JoinProcessTests.cs).</summary>
public static class JoinStageScenarios
{
    /// <summary>
    /// <c>join-map-supervisor dir namespace out inputs deadlineSeconds [answered]</c>: the MergeMap authority of output
    /// <c>out</c> in another process than the stage. It publishes nothing until asked: the first
    /// SequenceMergeMapRequest for an epoch of <c>out</c> makes it publish that epoch's map (OFFSET 0 for each of the
    /// comma-separated inputs), which answers the request. Re-announces are an hour apart, so every copy a stage gets
    /// after the first answers a request. With <c>answered</c>, only the first that many epochs are answered at once:
    /// a request for a later epoch prints <c>requested EPOCH</c> and is answered when a <c>release</c> line arrives on
    /// standard input. Prints <c>ready</c>, <c>published EPOCH</c> per map, and a result line.
    /// </summary>
    [Scenario("join-map-supervisor")]
    public static int Supervisor(string[] args)
    {
        uint output = uint.Parse(args[2], CultureInfo.InvariantCulture);
        uint[] inputs = [.. args[3].Split(',').Select(s => uint.Parse(s, CultureInfo.InvariantCulture))];
        TimeSpan limit = TimeSpan.FromSeconds(int.Parse(args[4], CultureInfo.InvariantCulture));
        int answered = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : int.MaxValue;
        using TensorPoolClient client = TensorPoolClient.Connect(new ClientOptions { ShmBaseDir = args[0], Namespace = args[1], ConductorMode = ConductorMode.Invoker });
        using var authority = new MergeMapAuthority(client.Transport, new MergeMapControlOptions { AnnounceInterval = TimeSpan.FromHours(1) });
        using ISubscription control = client.Transport.AddSubscription(ClientOptions.DefaultChannel, MergeMapControlOptions.DefaultControlStreamId);
        var published = new HashSet<ulong>();
        var held = new List<ulong>();
        var deadline = Stopwatch.StartNew();
        StdinCommands stdin = StdinCommands.Start();
        Console.WriteLine("ready");
        int exit = 0;
        while (!stdin.Stopped)
        {
            if (deadline.Elapsed > limit)
            {
                exit = 3;
                break;
            }
            var reader = new RequestReader(output, new List<ulong>());
            int work = control.Poll(ref reader, 64);
            foreach (ulong epoch in reader.Epochs)
            {
                if (published.Contains(epoch) || held.Contains(epoch))
                {
                    continue;
                }
                if (published.Count + held.Count < answered)
                {
                    Publish(epoch);
                }
                else
                {
                    held.Add(epoch);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"requested {epoch}"));
                }
            }
            if (held.Count > 0 && stdin.TryNext(out string command) && command == "release")
            {
                held.ForEach(Publish);
                held.Clear();
            }
            work += authority.DoWork();
            if (work == 0)
            {
                Thread.Sleep(1);
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result maps={published.Count} announces={authority.Announces} responses={authority.Responses} requests={authority.Requests}"));
        return exit;

        void Publish(ulong epoch)
        {
            published.Add(epoch);
            authority.Publish(new SequenceMergeMap(output, epoch, inputs.Select(s => SequenceMergeRule.ForOffset(s, 0))));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"published {epoch}"));
        }
    }

    private readonly struct RequestReader(uint output, List<ulong> epochs) : IMessageHandler
    {
        public List<ulong> Epochs => epochs;

        public void OnMessage(ReadOnlySpan<byte> message)
        {
            if (SbeMessageHeader.TryRead(message, out SbeMessageHeader header) && header.SchemaId == SequenceMergeMapRequestDecoder.SchemaId &&
                header.TemplateId == SequenceMergeMapRequestDecoder.TemplateId &&
                SequenceMergeMapRequestDecoder.TryWrap(message, out SequenceMergeMapRequestDecoder request, out _) && request.OutStreamId == output)
            {
                epochs.Add(request.Epoch);
            }
        }
    }
}
