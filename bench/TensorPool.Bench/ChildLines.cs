using TensorPool.Processes;

namespace TensorPool.Bench;

/// <summary>
/// The line protocol of a measure's child (this program again, with its hidden child arguments): it prints
/// <c>ready</c> when set up, waits for <c>stop</c> on stdin when it runs until told, and reports
/// <c>result key=value…</c> (<see cref="ResultLine"/>).
/// </summary>
public static class ChildLines
{
    /// <summary>Wait for the next <c>ready</c> line (a child that sets up twice prints it twice).</summary>
    public static void WaitReady(this ChildProcess child, TimeSpan timeout) => child.NextLine("ready", timeout);

    /// <summary>Tell a child that runs until told to stop; a child already gone is left to <see cref="Result"/> to report.</summary>
    public static void Stop(this ChildProcess child) => child.TryWriteLine("stop");

    /// <summary>Wait for the next <c>result …</c> line of a child that goes on (without the word).</summary>
    public static string NextResult(this ChildProcess child, TimeSpan timeout) => child.NextLine("result ", timeout)["result ".Length..];

    /// <summary>Wait for the <c>result …</c> line and the child's exit; throws with its output when it failed.</summary>
    public static string Result(this ChildProcess child, TimeSpan timeout)
    {
        string line = child.NextResult(timeout);
        if (!child.TryWaitForExit(timeout))
        {
            throw new InvalidOperationException($"child {child.Id} did not exit after its result.\n{child.Output()}");
        }
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"child {child.Id} exited with {child.ExitCode}.\n{child.Output()}");
        }
        return line;
    }
}
