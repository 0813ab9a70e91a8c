using System.Globalization;
using TensorPool.TestHost.Scenarios;
using TensorPool.Testing;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>A late joiner in its own process obtains the MergeMap by request from the authority in another (§7.3, §10.3, §10.5).</summary>
[NonParallelizable]
public class LateJoinerMultiProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    [Test]
    public void A_late_joining_process_obtains_both_maps_by_request_10_3_10_5()
    {
        const string output = "20000";
        const string epoch = "4242";
        using var dir = new TempDirectory();
        using ChildProcess authority = ChildProcess.StartScenario("mergemap-authority", dir.Path, output, epoch, "170");
        authority.WaitForLine("ready", StartTimeout); // its one announce is on the stream before the joiner subscribes
        using ChildProcess joiner = ChildProcess.StartScenario("mergemap-late-joiner", dir.Path, output, epoch, "150");

        int joinerExit = joiner.WaitForExit(RunTimeout);
        authority.WriteLine("stop");
        int authorityExit = authority.WaitForExit(RunTimeout);
        string outputs = $"joiner:\n{joiner.StandardOutput}{joiner.StandardError}\nauthority:\n{authority.StandardOutput}{authority.StandardError}";
        Dictionary<string, long> j = Result(joiner.StandardOutput, outputs);
        Dictionary<string, long> a = Result(authority.StandardOutput, outputs);
        string[] maps = [.. joiner.StandardOutput.Split('\n').Where(l => l.StartsWith("map ", StringComparison.Ordinal)).Select(l => l[4..].TrimEnd('\r'))];

        Assert.Multiple(() =>
        {
            Assert.That(joinerExit, Is.Zero, outputs);
            Assert.That(authorityExit, Is.Zero, outputs);
            Assert.That(j["requests"], Is.GreaterThanOrEqualTo(2), "one request per kind at least");
            Assert.That(a["responses"], Is.GreaterThanOrEqualTo(2), outputs);
            Assert.That(a["announces"], Is.EqualTo(2 + a["responses"]), "beyond the first two, every announce answered a request");
            Assert.That(maps, Is.EqualTo(new[]
            {
                JoinBarrierScenarios.SequenceMap(20000, 4242).ToString(),
                JoinBarrierScenarios.TimestampMap(20000, 4242).ToString(),
            }), outputs);
        });
    }

    private static Dictionary<string, long> Result(string stdout, string outputs)
    {
        string? line = stdout.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith("result ", StringComparison.Ordinal));
        Assert.That(line, Is.Not.Null, outputs);
        return line!["result ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }
}
