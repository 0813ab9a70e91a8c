using System.Diagnostics;
using System.Text;

namespace TensorPool.Testing;

/// <summary>
/// A real child process running a TestHost scenario (<c>dotnet TensorPool.TestHost.dll scenario args…</c>).
/// Output is captured line by line; dispose kills the process tree if it is still running.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _lines = [];
    private readonly object _gate = new();
    private bool _stdoutClosed;

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                // End of the child's stdout: every line it printed has been received.
                lock (_gate)
                {
                    _stdoutClosed = true;
                    Monitor.PulseAll(_gate);
                }
                return;
            }
            lock (_gate)
            {
                _stdout.AppendLine(e.Data);
                _lines.Add(e.Data);
                Monitor.PulseAll(_gate);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (_gate)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

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

    /// <summary>Path of the TestHost assembly built beside the test assemblies.</summary>
    public static string TestHostPath
    {
        get
        {
            string beside = Path.Combine(AppContext.BaseDirectory, "TensorPool.TestHost.dll");
            if (File.Exists(beside))
            {
                return beside;
            }
            string built = Path.Combine(RepoPaths.Root, "tests", "TensorPool.TestHost", "bin", RepoPaths.Configuration,
                "net10.0", "TensorPool.TestHost.dll");
            if (File.Exists(built))
            {
                return built;
            }
            throw new FileNotFoundException("TensorPool.TestHost.dll is not built; build the solution first.", built);
        }
    }

    /// <summary>Start a TestHost scenario in a new process.</summary>
    public static ChildProcess StartScenario(string scenario, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(TestHostPath);
        psi.ArgumentList.Add(scenario);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return Start(psi);
    }

    /// <summary>Start any program with captured output.</summary>
    public static ChildProcess Start(ProcessStartInfo psi)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        RestoreDefaultSignals(psi);
        Process process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        return new ChildProcess(process);
    }

    /// <summary>
    /// A test runner started from a background job of a non-interactive shell ignores SIGINT and SIGQUIT, and a
    /// child inherits that: our commands then rightly keep ignoring them (a background job is not stopped by the
    /// terminal's Ctrl-C), and every test that sends SIGINT would fail for the environment's sake. In that case the
    /// child is started through coreutils <c>env --default-signal</c>, which restores the default and execs the
    /// program (same process id), as an interactive shell or a CI runner would have started it.
    /// </summary>
    private static void RestoreDefaultSignals(ProcessStartInfo psi)
    {
        const ulong sigInt = 1UL << 1;
        const ulong sigQuit = 1UL << 2;
        if ((IgnoredSignals() & (sigInt | sigQuit)) == 0 || !File.Exists("/usr/bin/env"))
        {
            return;
        }
        string[] original = [psi.FileName, .. psi.ArgumentList];
        psi.FileName = "/usr/bin/env";
        psi.ArgumentList.Clear();
        psi.ArgumentList.Add("--default-signal=INT,QUIT");
        foreach (string a in original)
        {
            psi.ArgumentList.Add(a);
        }
    }

    /// <summary>The SigIgn mask of this process (bit n-1 = signal n ignored); 0 where /proc is not there.</summary>
    private static ulong IgnoredSignals()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                {
                    return ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>Write a line to the child's standard input (when it was redirected).</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Close the child's standard input (when it was redirected): the end of input it may be waiting for.</summary>
    public void CloseStandardInput() => _process.StandardInput.Close();

    /// <summary>Wait until the child's standard error contains <paramref name="text"/>; fails with its output on timeout or exit.</summary>
    public void WaitForError(string text, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!StandardError.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                if (StandardError.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
                throw new InvalidOperationException($"child {_process.Id} exited ({_process.ExitCode}) before writing '{text}' to stderr.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"child {_process.Id} wrote no '{text}' to stderr within {timeout}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>Send a POSIX signal (SIGINT, SIGTERM) to the child, as a user's Ctrl-C or <c>kill</c> would.</summary>
    public void Signal(string name)
    {
        using Process kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Wait until the child prints a line starting with <paramref name="prefix"/>; returns that line.</summary>
    public string WaitForLine(string prefix, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        int next = 0;
        lock (_gate)
        {
            while (true)
            {
                for (; next < _lines.Count; next++)
                {
                    if (_lines[next].StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return _lines[next];
                    }
                }
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException(
                        $"child {_process.Id} printed no line starting with '{prefix}' within {timeout}.\n" +
                        $"stdout:\n{_stdout}\nstderr:\n{_stderr}");
                }
                if (_stdoutClosed && next >= _lines.Count)
                {
                    // The child closed its stdout (it exited) and every line was seen: the prefix never came.
                    // Waiting for the end of the stream, not a fixed delay, keeps this right on a loaded machine.
                    _process.WaitForExit(5000);
                    throw new InvalidOperationException(
                        $"child {_process.Id} exited ({(_process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "still running")}) before printing '{prefix}'.\n" +
                        $"stdout:\n{_stdout}\nstderr:\n{_stderr}");
                }
                Monitor.Wait(_gate, left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>Wait for exit and return the exit code; kills the process and throws on timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"child {_process.Id} did not exit within {timeout}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        }
        _process.WaitForExit(); // flush the asynchronous output readers
        return _process.ExitCode;
    }

    /// <summary>SIGKILL the child (and its descendants).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
