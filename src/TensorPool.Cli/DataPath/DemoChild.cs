using System.Globalization;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// A half of the demo (<c>tp produce</c> or <c>tp consume --report</c>) running as a child process of this same
/// <c>tp</c>: its <c>ready</c>, <c>progress {json}</c> and <c>result {json}</c> lines are collected as they arrive;
/// writing <c>stop</c> to its stdin (or closing it) ends it cleanly.
/// </summary>
internal sealed class DemoChild : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private string? _progress;
    private string? _result;
    private bool _ready;

    private DemoChild(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_gate)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

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

    /// <summary>Start <c>tp &lt;args&gt;</c> with the executable (and entry assembly, under the dotnet host) running now.</summary>
    public static DemoChild Start(string name, IEnumerable<string> args)
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
            // Run through the dotnet host (dotnet tp.dll ...): the child needs the assembly too.
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly"));
        }
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        Process process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {host}");
        return new DemoChild(name, process);
    }

    /// <summary>Ask the child to stop (telling a consumer how many frames were published, when known).</summary>
    public void Stop(long published = -1)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine(published >= 0 ? string.Create(CultureInfo.InvariantCulture, $"stop {published}") : "stop");
                _process.StandardInput.Flush();
            }
        }
        catch (IOException)
        {
            // It exited meanwhile.
        }
        catch (InvalidOperationException)
        {
        }
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }
        _process.WaitForExit(); // drain the output readers
        return true;
    }

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

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
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
