using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace TensorPool.Bench;

/// <summary>
/// This program started again as the other side of a measurement (the same host and entry assembly: <c>tp</c> or a
/// harness, with its hidden child arguments). Lines of its stdout are queued; a child that waits for <c>stop</c> on
/// stdin prints <c>ready</c> first and a <c>result key=value…</c> line at the end.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _seen = [];

    public ChildProcess(IEnumerable<string> args)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        var psi = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly"));
        }
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.CompleteAdding();
            }
            else
            {
                _lines.Add(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        if (!_process.Start())
        {
            throw new InvalidOperationException($"could not start {host}");
        }
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Wait for the line <c>ready</c>.</summary>
    public void WaitReady(TimeSpan timeout) => WaitForLine(l => l == "ready", timeout);

    /// <summary>Tell a child that runs until told to stop (a <c>stop</c> line on its stdin).</summary>
    public void Stop()
    {
        try
        {
            _process.StandardInput.WriteLine("stop");
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // Already gone: Result reports why.
        }
    }

    /// <summary>Wait for the next <c>result …</c> line of a child that goes on (without the word).</summary>
    public string NextResult(TimeSpan timeout) =>
        WaitForLine(l => l.StartsWith("result ", StringComparison.Ordinal), timeout)["result ".Length..];

    /// <summary>Wait for the <c>result …</c> line and the child's exit; throws with its output when it failed.</summary>
    public string Result(TimeSpan timeout)
    {
        string line = NextResult(timeout);
        if (!_process.WaitForExit((int)timeout.TotalMilliseconds) || _process.ExitCode != 0)
        {
            throw Failure($"child exited with {(_process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "no exit")}");
        }
        return line;
    }

    /// <summary>The <c>key=value</c> pair of a result line as a number.</summary>
    public static long Field(string result, string key) => long.Parse(Text(result, key), CultureInfo.InvariantCulture);

    /// <summary>The <c>key=value</c> pair of a result line as text.</summary>
    public static string Text(string result, string key)
    {
        foreach (string part in result.Split(' '))
        {
            if (part.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return part[(key.Length + 1)..];
            }
        }
        throw new KeyNotFoundException($"no {key}= in '{result}'");
    }

    public void Dispose()
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
        _process.Dispose();
        // _lines is left to the GC: the reader thread may still deliver the end of the child's output after this
        // (WaitForExit with a timeout does not wait for it), and CompleteAdding on a disposed collection would throw on
        // a thread-pool thread and take the whole process down (seen once in CI: exit 134 in the bench matrix).
    }

    private string WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            TimeSpan left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw Failure($"no expected line within {timeout.TotalSeconds:F0} s");
            }
            if (!_lines.TryTake(out string? line, left))
            {
                if (_lines.IsCompleted)
                {
                    _process.WaitForExit(5_000);
                    throw Failure("child ended its output early");
                }
                continue;
            }
            _seen.Add(line);
            if (match(line))
            {
                return line;
            }
        }
    }

    private InvalidOperationException Failure(string what)
    {
        string stderr;
        lock (_stderr)
        {
            stderr = _stderr.ToString();
        }
        return new InvalidOperationException($"{what}:\n{string.Join('\n', _seen)}\n{stderr}");
    }
}
