using System.Text.Json;
using System.Text.RegularExpressions;
using TensorPool.Testing;

namespace TensorPool.Cli.Tests;

/// <summary>
/// Every <c>tp</c> command's JSON names its keys in camelCase (D122), as <c>tp status</c>, <c>tp shm inspect</c> and the
/// SBE form of <c>tp decode</c>/<c>tp listen</c> do: here the commands whose objects are built by hand, <c>tp demo</c>,
/// <c>tp produce</c>, <c>tp consume</c> (with its optional <c>progress</c> and <c>source</c> objects) and <c>tp status</c>.
/// </summary>
[NonParallelizable]
public sealed partial class JsonKeyCasingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Test]
    public void Demo_json_keys_are_camelCase()
    {
        using var dir = new TempDirectory();
        using ChildProcess demo = Tp.Start("demo", "--frames", "200", "--bytes", "64", "--consumers", "1", "--json", "--shm-dir", dir.Path);

        Assert.That(demo.WaitForExit(Timeout), Is.Zero, demo.Output());
        using JsonDocument doc = JsonDocument.Parse(demo.StandardOutput);
        Assert.That(doc.RootElement.GetProperty("consumers").GetArrayLength(), Is.EqualTo(1), "the consumer objects are checked too");
        Assert.That(NotCamelCase(doc.RootElement), Is.Empty);
    }

    [Test]
    public void Produce_consume_and_status_json_keys_are_camelCase()
    {
        using var dir = new TempDirectory();
        const string ns = "casing-test";
        using ChildProcess consumer = Tp.StartIn(dir, ns, "consume", "--json", "--progress", "--frames", "100", "--seconds", "120");
        using ChildProcess producer = Tp.StartIn(dir, ns, "produce", "--json", "--frames", "100", "--rate", "40", "--shape", "16x16", "--dtype", "uint8",
            "--progress-rows", "4", "--name", "cam", "--meta", "serial_number=A1", "--wait-consumers", "1");
        (int statusExit, string status, string statusError) = Tp.Run("status", "--json", "--wait", "2", "--shm-dir", dir.Path, "--namespace", ns);

        Assert.That(producer.WaitForExit(Timeout), Is.Zero, producer.Output());
        Assert.That(consumer.WaitForExit(Timeout), Is.Zero, consumer.Output());
        Assert.That(statusExit, Is.Zero, statusError);
        using JsonDocument produced = JsonDocument.Parse(producer.StandardOutput);
        using JsonDocument consumed = JsonDocument.Parse(consumer.StandardOutput);
        using JsonDocument table = JsonDocument.Parse(status);
        Assert.That(consumed.RootElement.TryGetProperty("progress", out _), Is.True, consumer.StandardOutput);
        Assert.That(consumed.RootElement.GetProperty("source").GetProperty("meta").GetProperty("serial_number").GetString(), Is.EqualTo("A1"),
            "metadata attribute keys are the producer's, kept as given");
        Assert.That(NotCamelCase(produced.RootElement), Is.Empty);
        Assert.That(NotCamelCase(consumed.RootElement), Is.Empty);
        Assert.That(NotCamelCase(table.RootElement), Is.Empty);
    }

    /// <summary>The paths of keys that are not camelCase, except inside <c>meta</c> (metadata attributes named by the producer).</summary>
    private static List<string> NotCamelCase(JsonElement element, string path = "")
    {
        var bad = new List<string>();
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    string at = path + "." + p.Name;
                    if (!CamelCase().IsMatch(p.Name))
                    {
                        bad.Add(at);
                    }
                    if (p.Name != "meta")
                    {
                        bad.AddRange(NotCamelCase(p.Value, at));
                    }
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    bad.AddRange(NotCamelCase(item, $"{path}[{i++}]"));
                }
                break;
        }
        return bad;
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex CamelCase();
}
