using System.Diagnostics;

namespace TensorPool.Bench.Latency;

/// <summary>This program started again as the other side of a measurement: <c>child &lt;measure&gt; args…</c>.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    public ChildProcess(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        psi.ArgumentList.Add("child");
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the child process");
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderr = _process.StandardError.ReadToEndAsync();
    }

    /// <summary>Wait for the child to end and return its <c>result …</c> line; throws with its output when it failed.</summary>
    public string Result(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"child did not finish within {timeout}: {_stderr.Result}");
        }
        string output = _stdout.Result;
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith("result ", StringComparison.Ordinal));
        if (_process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"child failed ({_process.ExitCode}):\n{output}\n{_stderr.Result}");
        }
        return line["result ".Length..];
    }

    /// <summary>The <c>key=value</c> pair of a result line as a number.</summary>
    public static long Field(string result, string key)
    {
        foreach (string part in result.Split(' '))
        {
            if (part.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return long.Parse(part[(key.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        throw new KeyNotFoundException($"no {key}= in '{result}'");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
