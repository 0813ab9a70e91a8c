using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Examples.Tests;

/// <summary>
/// examples/c/validate_frames, the mixed C/C# pipeline: a C# producer creates and announces its regions, the C
/// program maps them from the announce's URIs (as `tp listen` prints them) and validates the frames in place.
/// </summary>
[NonParallelizable]
public class ValidateFramesTests
{
    /// <summary>The header ring and pool URIs of the first announce on the control stream (1000).</summary>
    private static (string Header, string[] Pools) Announce(Programs programs)
    {
        using ChildProcess listen = programs.Tp("listen", "--stream", "1000", "--count", "1", "--json", "--timeout", "300");
        Assert.That(listen.WaitForExit(Programs.Timeout), Is.Zero, listen.StandardError);
        using JsonDocument doc = JsonDocument.Parse(listen.StandardOutput);
        JsonElement fields = doc.RootElement.GetProperty("fields");
        return (fields.GetProperty("headerRegionUri").GetString()!,
            [.. fields.GetProperty("payloadPools").EnumerateArray().Select(p => p.GetProperty("regionUri").GetString()!)]);
    }

    [Test]
    public void C_program_validates_the_frames_of_a_CSharp_producer_from_its_announce()
    {
        using var shm = new TempDirectory();
        var programs = new Programs(shm);
        using ChildProcess produce = programs.Tp("produce", "--stream", "10000", "--rate", "200", "--seconds", "600", "--shape", "64x64", "--dtype", "uint8");
        try
        {
            (string header, string[] pools) = Announce(programs);
            Assert.That(header, Does.StartWith("shm:file?path=" + shm.Path));

            using ChildProcess validate = Programs.ValidateFrames(["--synthetic", "--seconds", "2", "--min-frames", "10", shm.Path, header, .. pools]);

            Assert.That(validate.WaitForExit(Programs.Timeout), Is.Zero, validate.StandardOutput + validate.StandardError);
            Assert.That(validate.StandardOutput, Does.Match(@"^validated \d+ frames: ok \d+, corrupt 0, dropped \d+"));
        }
        finally
        {
            produce.Signal("INT");
            produce.WaitForExit(Programs.Timeout);
        }
    }

    [Test]
    public void C_program_finds_frames_that_are_not_the_synthetic_pattern()
    {
        // CameraProducer's gradient is valid per the wire rules but is not tp produce's self-checking pattern.
        using var shm = new TempDirectory();
        var programs = new Programs(shm);
        using ChildProcess camera = programs.Example("CameraProducer", "--seconds", "600", "--rate", "100", "--width", "32", "--height", "16");
        try
        {
            (string header, string[] pools) = Announce(programs);

            using ChildProcess rulesOnly = Programs.ValidateFrames(["--seconds", "1", shm.Path, header, .. pools]);
            Assert.That(rulesOnly.WaitForExit(Programs.Timeout), Is.Zero, rulesOnly.StandardOutput + rulesOnly.StandardError);
            Assert.That(rulesOnly.StandardOutput, Does.Contain("corrupt 0"));

            using ChildProcess synthetic = Programs.ValidateFrames(["--synthetic", "--seconds", "1", shm.Path, header, .. pools]);
            Assert.That(synthetic.WaitForExit(Programs.Timeout), Is.EqualTo(1), synthetic.StandardOutput);
            Assert.That(synthetic.StandardOutput, Does.Not.Contain("corrupt 0,"));
            Assert.That(synthetic.StandardError, Does.Contain("payload does not match its sequence"));
        }
        finally
        {
            camera.Signal("INT");
            camera.WaitForExit(Programs.Timeout);
        }
    }

    [Test]
    public void C_program_refuses_regions_outside_its_base_directory_and_bad_arguments()
    {
        using var shm = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var programs = new Programs(shm);
        using ChildProcess produce = programs.Tp("produce", "--stream", "10000", "--rate", "50", "--seconds", "600", "--bytes", "64");
        try
        {
            (string header, string[] pools) = Announce(programs);

            using ChildProcess outside = Programs.ValidateFrames([elsewhere.Path, header, .. pools]);
            Assert.That(outside.WaitForExit(Programs.Timeout), Is.EqualTo(2));
            Assert.That(outside.StandardError, Does.StartWith("validate_frames: shm:file?path=").And.Contain("TP_ERR_PATH_NOT_CONTAINED"));
        }
        finally
        {
            produce.Signal("INT");
            produce.WaitForExit(Programs.Timeout);
        }

        foreach (string[] bad in new[] { Array.Empty<string>(), ["--seconds", "x", "a", "b", "c"], ["--bogus", "a", "b", "c"], [shm.Path, "/nonexistent/header.ring", "/nonexistent/1.pool"] })
        {
            using ChildProcess p = Programs.ValidateFrames(bad);
            Assert.That(p.WaitForExit(Programs.Timeout), Is.EqualTo(2), string.Join(' ', bad));
            Assert.That(p.StandardError, Does.StartWith("validate_frames: "), string.Join(' ', bad));
        }
    }
}
