using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// <c>tp demo</c> runs in a namespace of its own, so it prints, before any progress, the <c>tp status</c> and
/// <c>tp listen</c> commands that watch it (D123); run as printed, they see the demo's stream.
/// </summary>
[NonParallelizable]
public sealed class DemoWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Test]
    public void Demo_prints_the_status_and_listen_commands_for_its_namespace_and_they_see_its_stream()
    {
        using var dir = new TempDirectory();
        using ChildProcess demo = Tp.Start("demo", "--seconds", "300", "--rate", "100", "--bytes", "64", "--consumers", "1", "--shm-dir", dir.Path);
        try
        {
            string status = demo.WaitForLine("    tp status ", Timeout).Trim();
            string listen = demo.WaitForLine("    tp listen ", Timeout).Trim();
            string location = $"--namespace demo-{demo.Id} --shm-dir {dir.Path}";
            Assert.That(status, Is.EqualTo($"tp status {location} --watch"));
            Assert.That(listen, Is.EqualTo($"tp listen {location} --stream 1000"));
            string[] lines = demo.StandardOutput.Split('\n');
            Assert.That(Array.FindIndex(lines, l => l.StartsWith("    tp listen ", StringComparison.Ordinal)), Is.LessThanOrEqualTo(3),
                "on the first screen, before the progress lines");
            demo.WaitForLine("[", Timeout); // the producer runs

            // As printed, without --watch (one table) and with a message limit: they find the demo's stream.
            string[] statusArgs = [.. status.Split(' ')[1..].Where(a => a != "--watch"), "--json", "--wait", "2"];
            JsonElement stream = default;
            for (int attempt = 0; attempt < 10 && stream.ValueKind != JsonValueKind.Object; attempt++)
            {
                (int exit, string output, string error) = Tp.Run(statusArgs);
                Assert.That(exit, Is.Zero, error);
                using JsonDocument doc = JsonDocument.Parse(output);
                stream = doc.RootElement.GetProperty("streams").EnumerateArray().FirstOrDefault(s => s.GetProperty("streamId").GetUInt32() == 10000).Clone();
            }
            Assert.That(stream.ValueKind, Is.EqualTo(JsonValueKind.Object), "tp status found stream 10000 of the demo");

            (int listenExit, string message, string listenError) = Tp.Run([.. listen.Split(' ')[1..], "--count", "1", "--json", "--timeout", "60"]);
            Assert.That(listenExit, Is.Zero, listenError);
            Assert.That(message, Does.Contain("\"schemaId\""), "a decoded message of the demo's control stream");
        }
        finally
        {
            demo.Signal("INT");
            demo.WaitForExit(Timeout);
        }
    }

    [Test]
    public void Demo_shows_the_idle_mode_and_the_cores_of_all_its_processes_beside_the_latency_first_issue_14()
    {
        using var dir = new TempDirectory();
        // A real process: the demo starts its children as this same program (tp), not as the test host.
        using ChildProcess demo = Tp.Start("demo", "--seconds", "4", "--rate", "200", "--bytes", "64", "--consumers", "1",
            "--json", "--shm-dir", dir.Path);
        int exit = demo.WaitForExit(Timeout);
        string output = demo.StandardOutput;
        string error = demo.StandardError;
        Assert.That(exit, Is.Zero, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.That(root.GetProperty("idle").GetString(), Is.EqualTo("wait"), "the default idle mode");
        Assert.That(root.GetProperty("processes").GetInt32(), Is.GreaterThanOrEqualTo(3), "this tp, the producer and the consumer");
        Assert.That(root.GetProperty("cores").GetDouble(), Is.GreaterThanOrEqualTo(0));
        Assert.That(root.GetProperty("coresWindowSeconds").GetDouble(), Is.GreaterThan(0));
        // The human lines (stderr with --json): each second's block starts with the cost line.
        string first = error.Split('\n').First(l => l.StartsWith('['));
        Assert.That(first, Does.Match(@"^\[ *\d+\.\d s\] wait: (\d+\.\d\d|-) cores \(\d+ processes\)  p50 .* µs  p99 .* µs"), error);
    }
}
