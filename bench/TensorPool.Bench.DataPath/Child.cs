using System.Diagnostics;

namespace TensorPool.Bench.DataPath;

/// <summary>This program started again as the consumer side: <c>child… args</c>; <c>stop</c> on stdin ends it.</summary>
internal sealed class Child : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly List<string> _lines = [];

    public Child(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(typeof(Child).Assembly.Location);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the child");
        _stderr = _process.StandardError.ReadToEndAsync();
        string? ready = _process.StandardOutput.ReadLine();
        if (ready != "ready")
        {
            throw new InvalidOperationException($"child did not start: {ready} {_stderr.Result}");
        }
    }

    /// <summary>Stop the child and return its <c>result …</c> line (without the word).</summary>
    public string Stop()
    {
        _process.StandardInput.WriteLine("stop");
        _process.StandardInput.Flush();
        string? line;
        while ((line = _process.StandardOutput.ReadLine()) is not null)
        {
            _lines.Add(line);
            if (line.StartsWith("result ", StringComparison.Ordinal))
            {
                _process.WaitForExit(60_000);
                return line["result ".Length..];
            }
        }
        throw new InvalidOperationException($"child printed no result: {string.Join('\n', _lines)} {_stderr.Result}");
    }

    public static long Field(string result, string key) =>
        long.Parse(result.Split(' ').First(p => p.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..],
            System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
