using System.Globalization;
using System.Text.RegularExpressions;
using TensorPool.Testing;

namespace TensorPool.Examples.Tests;

/// <summary>The C# examples as a user runs them: CameraProducer feeding AsyncConsumer and FrameStats for a few seconds.</summary>
[NonParallelizable]
public partial class CSharpExampleTests
{
    [Test]
    public void AsyncConsumer_receives_CameraProducer_frames_and_stops_after_its_count()
    {
        using var shm = new TempDirectory();
        var programs = new Programs(shm);
        using ChildProcess consumer = programs.Example("AsyncConsumer", "--seconds", "300", "--frames", "10");
        consumer.WaitForLine("async: waiting", Programs.Timeout);
        using ChildProcess camera = programs.Example("CameraProducer", "--seconds", "300", "--rate", "50");

        Assert.That(consumer.WaitForExit(Programs.Timeout), Is.Zero, consumer.StandardError);
        camera.Signal("INT");
        Assert.That(camera.WaitForExit(Programs.Timeout), Is.Zero, camera.StandardError);

        string[] frames = [.. Lines(consumer).Where(l => l.StartsWith("frame ", StringComparison.Ordinal))];
        Assert.That(frames, Has.Length.EqualTo(10), consumer.StandardOutput);
        Assert.That(frames, Has.All.Match(@"^frame \d+ Uint8 480x640 307200 bytes, first-64-byte sum \d+$"));
        Assert.That(Lines(consumer), Has.Some.StartWith("async: received 10 frames"));
        Match published = PublishedLine().Match(camera.StandardOutput);
        Assert.That(published.Success, Is.True, camera.StandardOutput);
        Assert.That(long.Parse(published.Groups[1].Value, CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(10));
        Assert.That(Directory.GetDirectories(shm.Path, "*", SearchOption.AllDirectories).Where(d => Path.GetFileName(d) == "10000"),
            Has.All.Matches<string>(d => Directory.GetFileSystemEntries(d).Length == 0), "the camera removed its epoch directory on Ctrl-C");
    }

    [Test]
    public void FrameStats_computes_each_float_frame_statistics_in_place()
    {
        using var shm = new TempDirectory();
        var programs = new Programs(shm);
        using ChildProcess stats = programs.Example("FrameStats", "--seconds", "300", "--frames", "20");
        stats.WaitForLine("stats: waiting", Programs.Timeout);
        using ChildProcess camera = programs.Example("CameraProducer", "--seconds", "300", "--rate", "50", "--dtype", "float32");

        Assert.That(stats.WaitForExit(Programs.Timeout), Is.Zero, stats.StandardError);
        camera.Signal("TERM");
        Assert.That(camera.WaitForExit(Programs.Timeout), Is.Zero, camera.StandardError);

        Match[] frames = [.. Lines(stats).Select(l => StatsLine().Match(l)).Where(m => m.Success)];
        Assert.That(frames, Has.Length.EqualTo(20), stats.StandardOutput);
        foreach (Match m in frames)
        {
            ulong seq = ulong.Parse(m.Groups["seq"].Value, CultureInfo.InvariantCulture);
            double Value(string name) => double.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture);
            // Every frame of the gradient holds all 256 levels; pixel (240, 320) of frame n is (560 + n) mod 256.
            Assert.That(Value("min"), Is.Zero, m.Value);
            Assert.That(Value("max"), Is.EqualTo(1.0), m.Value);
            Assert.That(Value("mean"), Is.InRange(0.45, 0.55), m.Value);
            Assert.That(Value("center"), Is.EqualTo(Math.Round(((560 + seq) % 256) / 255.0, 4)).Within(1e-4), m.Value);
        }
        Assert.That(Lines(stats), Has.Some.Match(@"^stats: 20 frames, \d+ overwritten while read, 0 not float32"));
    }

    private static string[] Lines(ChildProcess p) => p.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"camera: published (\d+) frames")]
    private static partial Regex PublishedLine();

    [GeneratedRegex(@"^frame (?<seq>\d+) 480x640 min (?<min>[\d.]+) max (?<max>[\d.]+) mean (?<mean>[\d.]+) center (?<center>[\d.]+)$")]
    private static partial Regex StatsLine();
}
