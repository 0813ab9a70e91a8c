using System.Globalization;
using TensorPool.Testing;

namespace TensorPool.Transport.Tests;

/// <summary>The <c>result key=value…</c> line a transport scenario ends with (tests/TensorPool.TestHost/Scenarios/TransportScenarios.cs).</summary>
internal sealed class ScenarioResult
{
    private readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);

    private ScenarioResult(string name, int exitCode, string line, string output)
    {
        Name = name;
        ExitCode = exitCode;
        Line = line;
        Output = output;
        foreach (string part in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && long.TryParse(part[(equals + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            {
                _values[part[..equals]] = value;
            }
        }
    }

    public string Name { get; }

    public int ExitCode { get; }

    public string Line { get; }

    /// <summary>Everything the child printed, for failure messages.</summary>
    public string Output { get; }

    public long this[string key] => _values.TryGetValue(key, out long v) ? v : throw new KeyNotFoundException($"{Name}: no {key}= in '{Line}'\n{Output}");

    /// <summary>Wait for <paramref name="child"/> to exit and read its result line; fails the test with its output when it has none.</summary>
    public static ScenarioResult Of(string name, ChildProcess child, TimeSpan timeout)
    {
        int exitCode = child.WaitForExit(timeout);
        string output = $"--- {name} (pid {child.Id}, exit {exitCode})\nstdout:\n{child.StandardOutput}\nstderr:\n{child.StandardError}";
        string? line = child.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r'))
            .LastOrDefault(l => l.StartsWith("result ", StringComparison.Ordinal));
        if (line is null)
        {
            Assert.Fail($"{name} printed no result line\n{output}");
        }
        return new ScenarioResult(name, exitCode, line!["result ".Length..], output);
    }

    public override string ToString() => $"{Name}: exit {ExitCode}, {Line}";
}
