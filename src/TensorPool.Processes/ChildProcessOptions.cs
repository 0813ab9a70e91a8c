namespace TensorPool.Processes;

/// <summary>How a <see cref="ChildProcess"/> is started and what it keeps of the child's output.</summary>
public sealed class ChildProcessOptions
{
    /// <summary>The defaults: every output line kept, signal dispositions inherited.</summary>
    public static ChildProcessOptions Default { get; } = new();

    /// <summary>
    /// Start the child with the default SIGINT and SIGQUIT even when this process inherited them ignored (a background
    /// job of a non-interactive shell), through coreutils <c>env --default-signal</c> (same process id). For test
    /// runners that send SIGINT to their children (docs/DECISIONS.md, D82); the commands themselves keep the
    /// inherited disposition, as a background job expects.
    /// </summary>
    public bool RestoreDefaultSignals { get; init; }

    /// <summary>
    /// Keep every line of the child's standard output (<see cref="ChildProcess.StandardOutput"/>,
    /// <see cref="ChildProcess.WaitForLine"/>, <see cref="ChildProcess.NextLine"/>). Off for children that run for
    /// hours and report through <see cref="OutputLine"/> only.
    /// </summary>
    public bool KeepOutput { get; init; } = true;

    /// <summary>
    /// Called with every line of the child's standard output, in order, on a reader thread (also after
    /// <see cref="ChildProcess.Dispose()"/>, for output still in the pipe). It must not throw: an exception there would
    /// end the process.
    /// </summary>
    public Action<string>? OutputLine { get; init; }
}
