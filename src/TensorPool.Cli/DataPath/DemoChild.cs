using System.Globalization;
using System.Text.Json;
using TensorPool.Processes;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// A half of the demo (<c>tp produce</c> or <c>tp consume --report</c>) running as a child process of this same
/// <c>tp</c>: its <c>ready</c>, <c>progress {json}</c> and <c>result {json}</c> lines are followed as they arrive (only the
/// latest of each is kept: a demo may run for hours); writing <c>stop</c> to its stdin (or closing it) ends it cleanly.
/// </summary>
internal sealed class DemoChild : IDisposable
{
    private readonly ChildProcess _process;
    private readonly Lock _gate = new();
    private string? _progress;
    private string? _result;
    private bool _ready;

    private DemoChild(string name, IEnumerable<string> args)
    {
        Name = name;
        _process = ChildProcess.StartSelf(args, new ChildProcessOptions { KeepOutput = false, OutputLine = OnLine });
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    public bool IsReady
    {
        get
        {
            lock (_gate)
            {
                return _ready;
            }
        }
    }

    public string StandardError => _process.StandardError;

    /// <summary>The latest progress object (or the result once it came), or null.</summary>
    public JsonElement? Latest
    {
        get
        {
            lock (_gate)
            {
                string? text = _result ?? _progress;
                return text is null ? null : JsonDocument.Parse(text).RootElement.Clone();
            }
        }
    }

    /// <summary>The final result object, or null when the child did not print one.</summary>
    public JsonElement? Result
    {
        get
        {
            lock (_gate)
            {
                return _result is null ? null : JsonDocument.Parse(_result).RootElement.Clone();
            }
        }
    }

    /// <summary>Start <c>tp &lt;args&gt;</c>: this same program again (<see cref="ChildProcess.StartSelf"/>).</summary>
    public static DemoChild Start(string name, IEnumerable<string> args) => new(name, args);

    /// <summary>Ask the child to stop (telling a consumer how many frames were published, when known).</summary>
    public void Stop(long published = -1) =>
        _process.TryWriteLine(published >= 0 ? string.Create(CultureInfo.InvariantCulture, $"stop {published}") : "stop");

    public bool WaitForExit(TimeSpan timeout) => _process.TryWaitForExit(timeout);

    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();

    private void OnLine(string line)
    {
        lock (_gate)
        {
            if (line.StartsWith("ready", StringComparison.Ordinal))
            {
                _ready = true;
            }
            else if (line.StartsWith("progress ", StringComparison.Ordinal))
            {
                _progress = line["progress ".Length..];
            }
            else if (line.StartsWith("result ", StringComparison.Ordinal))
            {
                _result = line["result ".Length..];
            }
        }
    }
}
