using System.Diagnostics;
using TensorPool.Processes;

namespace TensorPool.TestHost.Scenarios;

/// <summary>Scenarios that check the child-process plumbing itself (tests/TensorPool.Cli.Tests/Processes).</summary>
public static class HostScenarios
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Prints its arguments back, one per line, after a ready line.</summary>
    [Scenario("echo")]
    public static int Echo(string[] args)
    {
        Console.WriteLine("ready");
        foreach (string a in args)
        {
            Console.WriteLine("arg " + a);
        }
        return args.Length;
    }

    /// <summary>Prints <c>ready</c>, then <c>got LINE</c> for each line of stdin until <c>stop</c> or its end.</summary>
    [Scenario("stdin-echo")]
    public static int StdinEcho(string[] args)
    {
        Console.WriteLine("ready");
        string? line;
        while ((line = Console.In.ReadLine()) is not null && line != "stop")
        {
            Console.WriteLine("got " + line);
        }
        Console.WriteLine(line is null ? "end of input" : "stopped");
        return 0;
    }

    /// <summary>Prints numbered lines as fast as it can until it is killed.</summary>
    [Scenario("flood")]
    public static int Flood(string[] args)
    {
        for (long i = 0; ; i++)
        {
            Console.WriteLine("line " + i);
        }
    }

    /// <summary>
    /// Starts this program again (<see cref="ChildProcess.StartSelf"/>) as <c>echo ARGS…</c> and reports what the
    /// child printed: <c>self PID</c>, <c>child PID exit CODE</c>, then the child's lines prefixed with <c>child: </c>.
    /// </summary>
    [Scenario("spawn-self")]
    public static int SpawnSelf(string[] args)
    {
        using ChildProcess child = ChildProcess.StartSelf(["echo", .. args]);
        int exit = child.WaitForExit(Timeout);
        Console.WriteLine($"self {Environment.ProcessId}");
        Console.WriteLine($"child {child.Id} exit {exit}");
        foreach (string line in child.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine("child: " + line);
        }
        return 0;
    }

    /// <summary>
    /// The SigIgn masks (hex, from /proc) of two children started from here, one with the inherited signal
    /// dispositions and one with <see cref="ChildProcessOptions.RestoreDefaultSignals"/>: <c>inherited MASK</c>,
    /// <c>restored MASK</c>.
    /// </summary>
    [Scenario("child-sigign")]
    public static int ChildSigIgn(string[] args)
    {
        foreach ((string name, bool restore) in new[] { ("inherited", false), ("restored", true) })
        {
            var startInfo = new ProcessStartInfo("grep");
            startInfo.ArgumentList.Add("SigIgn");
            startInfo.ArgumentList.Add("/proc/self/status");
            using ChildProcess child = ChildProcess.Start(startInfo, new ChildProcessOptions { RestoreDefaultSignals = restore });
            string line = child.WaitForLine("SigIgn:", Timeout);
            child.WaitForExit(Timeout);
            Console.WriteLine($"{name} {line["SigIgn:".Length..].Trim()}");
        }
        return 0;
    }
}
