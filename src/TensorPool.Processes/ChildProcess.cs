using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace TensorPool.Processes;

/// <summary>
/// A real child process with its standard output captured line by line and its standard error as text: this program
/// started again (<see cref="StartSelf"/>, what <c>tp demo</c> and <c>tp bench</c> do) or any program
/// (<see cref="Start"/>). Waits have timeouts and fail with the child's output; <see cref="Dispose()"/> kills the
/// process tree if it still runs.
/// </summary>
public class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Action<string>? _outputLine;
    private readonly bool _keepOutput;
    private bool _stdoutClosed;
    private int _cursor;
    private bool _disposed;

    /// <summary>Starts <paramref name="startInfo"/> with standard output and error redirected (standard input as given).</summary>
    protected ChildProcess(ProcessStartInfo startInfo, ChildProcessOptions? options)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        options ??= ChildProcessOptions.Default;
        _outputLine = options.OutputLine;
        _keepOutput = options.KeepOutput;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        if (options.RestoreDefaultSignals)
        {
            DefaultSignals.Apply(startInfo);
        }
        _process = new Process { StartInfo = startInfo };
        // The handlers touch only this object's lock and lists, never anything disposed: the readers may deliver the
        // end of the output after Dispose (a disposed queue there once crashed tp bench with exit 134).
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnError(e.Data);
        if (!_process.Start())
        {
            throw new InvalidOperationException($"could not start {startInfo.FileName}");
        }
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Every line of standard output so far, each ending with a newline (empty unless output is kept).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_gate)
            {
                var text = new StringBuilder();
                foreach (string line in _lines)
                {
                    text.Append(line).Append('\n');
                }
                return text.ToString();
            }
        }
    }

    /// <summary>Standard error so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Start any program (standard input redirected only when <paramref name="startInfo"/> asks for it).</summary>
    public static ChildProcess Start(ProcessStartInfo startInfo, ChildProcessOptions? options = null) => new(startInfo, options);

    /// <summary>Start this program again with <paramref name="args"/> (see <see cref="SelfStartInfo"/>).</summary>
    public static ChildProcess StartSelf(IEnumerable<string> args, ChildProcessOptions? options = null) => new(SelfStartInfo(args), options);

    /// <summary>
    /// This program with other arguments: the executable running now, and under the dotnet host (<c>dotnet tp.dll</c>)
    /// the entry assembly too, so the child runs the same code; standard input redirected (the child's stop line).
    /// </summary>
    public static ProcessStartInfo SelfStartInfo(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        var startInfo = new ProcessStartInfo(host) { RedirectStandardInput = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            startInfo.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly"));
        }
        foreach (string a in args)
        {
            startInfo.ArgumentList.Add(a);
        }
        return startInfo;
    }

    /// <summary>Write a line to the child's standard input (redirected); throws when the child is gone.</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Write a line to the child's standard input; false when the child already exited or closed it.</summary>
    public bool TryWriteLine(string line)
    {
        try
        {
            if (_process.HasExited)
            {
                return false;
            }
            WriteLine(line);
            return true;
        }
        catch (IOException)
        {
            return false; // it exited meanwhile
        }
        catch (InvalidOperationException)
        {
            return false; // standard input not redirected, or the process is gone
        }
    }

    /// <summary>Close the child's standard input: the end of input it may be waiting for.</summary>
    public void CloseStandardInput() => _process.StandardInput.Close();

    /// <summary>
    /// The first line of output (from the start) that begins with <paramref name="prefix"/>; fails with the child's
    /// output when it exits without one (<see cref="InvalidOperationException"/>) or on timeout (<see cref="TimeoutException"/>).
    /// </summary>
    public string WaitForLine(string prefix, TimeSpan timeout)
    {
        int from = 0;
        return WaitLine(prefix, timeout, ref from);
    }

    /// <summary>
    /// The next line beginning with <paramref name="prefix"/> after the last one this method returned (a child that
    /// reports the same kind of line more than once); fails as <see cref="WaitForLine"/> does.
    /// </summary>
    public string NextLine(string prefix, TimeSpan timeout)
    {
        int from = Volatile.Read(ref _cursor);
        string line = WaitLine(prefix, timeout, ref from);
        Volatile.Write(ref _cursor, from + 1);
        return line;
    }

    /// <summary>Wait until standard error contains <paramref name="text"/>; fails with the child's output on timeout or exit.</summary>
    public void WaitForError(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!StandardError.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                if (StandardError.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
                throw new InvalidOperationException($"child {Id} exited ({_process.ExitCode}) before writing '{text}' to stderr.\n{Output()}");
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"child {Id} wrote no '{text}' to stderr within {timeout}.\n{Output()}");
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>Send a POSIX signal by name (<c>INT</c>, <c>TERM</c>, <c>STOP</c>…), as a user's Ctrl-C or <c>kill</c> would.</summary>
    public void Signal(string name)
    {
        using Process kill = Process.Start("kill", ["-" + name, Id.ToString(CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("could not start kill");
        kill.WaitForExit();
    }

    /// <summary>Wait for the exit and every line of output; false on timeout (the child keeps running).</summary>
    public bool TryWaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }
        _process.WaitForExit(); // the asynchronous readers finish too
        return true;
    }

    /// <summary>Wait for the exit and return the exit code; kills the child and throws with its output on timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!TryWaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"child {Id} did not exit within {timeout}.\n{Output()}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL the child and its descendants, if it still runs.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    /// <summary>The child's output so far, for a failure message.</summary>
    public string Output() => $"stdout:\n{StandardOutput}stderr:\n{StandardError}";

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }
        _disposed = true;
        Kill();
        _process.Dispose();
    }

    private string WaitLine(string prefix, TimeSpan timeout, ref int from)
    {
        if (!_keepOutput)
        {
            throw new InvalidOperationException("this child's output is not kept (ChildProcessOptions.KeepOutput)");
        }
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            while (true)
            {
                for (; from < _lines.Count; from++)
                {
                    if (_lines[from].StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return _lines[from];
                    }
                }
                TimeSpan left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"child {Id} printed no line starting with '{prefix}' within {timeout}.\n{Output()}");
                }
                if (_stdoutClosed)
                {
                    // Every line was seen and the child closed its output: waiting for the end of the stream, not a
                    // fixed delay, keeps this right on a loaded machine.
                    _process.WaitForExit(5000);
                    string exit = _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "still running";
                    throw new InvalidOperationException($"child {Id} exited ({exit}) before printing '{prefix}'.\n{Output()}");
                }
                Monitor.Wait(_gate, left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
            }
        }
    }

    private void OnOutput(string? line)
    {
        lock (_gate)
        {
            if (line is null)
            {
                _stdoutClosed = true; // the end of the child's stdout: every line it printed has been received
            }
            else if (_keepOutput)
            {
                _lines.Add(line);
            }
            Monitor.PulseAll(_gate);
        }
        if (line is not null)
        {
            _outputLine?.Invoke(line);
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _stderr.Append(line).Append('\n');
        }
    }
}
