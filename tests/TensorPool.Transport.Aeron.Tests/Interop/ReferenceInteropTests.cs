using System.Globalization;
using System.Text.RegularExpressions;
using TensorPool.Testing;

namespace TensorPool.Transport.Aeron.Tests.Interop;

/// <summary>
/// Live interoperability with the reference C implementation (DarrylGamroth/tensor_pool_c built with Aeron), both
/// ways, over one Aeron media driver: each scenario skips unless TP_REFERENCE_DIR points at its build. Results and
/// versions are recorded in docs/compliance.md ("Interoperability").
/// </summary>
[NonParallelizable]
public partial class ReferenceInteropTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    /// <summary>How long a reference client may take to get through its start-up before it is started again (D248).</summary>
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);

    /// <summary>How many clients of <paramref name="role"/> our driver has logged as attached to the scenario's stream.</summary>
    private static int Attached(ChildProcess driver, string role) => driver.StandardOutput.Split('\n')
        .Count(l => l.Contains($": {role} client ", StringComparison.Ordinal) && l.Contains(" attached to stream 10000", StringComparison.Ordinal));

    private static Dictionary<string, string> Fields(string line) => FieldPattern().Matches(line)
        .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

    private static long Number(Dictionary<string, string> fields, string key) =>
        long.Parse(fields[key], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(\w+)=(\S*)")]
    private static partial Regex FieldPattern();

    [Test]
    public void Reference_producer_to_our_consumer_through_the_reference_driver()
    {
        // The reference producer publishes flat out once it sees a consumer; a consumer maps the epoch the producer's
        // attach bumped at the driver's next announce. With the reference file's 1 Hz announces a run of 20,000 frames
        // (its own client's unread descriptor subscription caps a run near 21,845) is often over before that, and every
        // frame is a counted drop: the driver announces every 50 ms here.
        const int count = 20_000;
        using var setup = new ReferenceSetup();
        setup.StartReferenceDriver(announcePeriodMs: 50);
        using ChildProcess producer = setup.StartReferenceClient("tp_example_producer_driver",
            ["-a", setup.AeronDir, "-c", ReferenceSetup.Channel, "-s", "10000", "-n", count.ToString(CultureInfo.InvariantCulture)],
            p => p.StandardError.Contains("Attach info", StringComparison.Ordinal), StartUp,
            new Dictionary<string, string>
            {
                ["TP_PATTERN"] = "interop",
                ["TP_EXAMPLE_ENABLE_CONSUMER_MANAGER"] = "1",
                ["TP_EXAMPLE_WAIT_CONSUMER_MS"] = "60000",
                ["TP_EXAMPLE_PRINT_ATTACH"] = "1",
            });
        producer.WaitForError("Attach info", Long);
        using ChildProcess consumer = setup.Ours("interop-consume", setup.AeronDir, ReferenceSetup.Channel, "10000",
            count.ToString(CultureInfo.InvariantCulture), "60");
        Dictionary<string, string> result = Fields(consumer.WaitForLine("result", Long));
        TestContext.Progress.WriteLine("reference producer -> our consumer: " + string.Join(' ', result.Select(kv => kv.Key + "=" + kv.Value)));
        Assert.That(producer.WaitForExit(Long), Is.Zero, () => producer.StandardError);
        Assert.That(Number(result, "bad"), Is.Zero, "every frame the seqlock confirmed passes the payload check");
        Assert.That(Number(result, "accepted"), Is.GreaterThan(0), () => consumer.StandardError);
        Assert.That(Number(result, "accepted"), Is.EqualTo(Number(result, "frames") - Number(result, "torn")),
            "a frame overwritten while read is not accepted");
        Assert.That(Number(result, "accepted") + Number(result, "drops"), Is.EqualTo(Number(result, "lastSeen") - Number(result, "firstSeen") + 1),
            "every sequence between the first and the last descriptor seen is accepted or a counted drop");
    }

    [Test]
    public void Our_producer_to_the_reference_consumer_through_the_reference_driver()
    {
        using var setup = new ReferenceSetup();
        setup.StartReferenceDriver();
        using ChildProcess consumer = setup.Reference("tp_example_consumer_driver",
            ["-a", setup.AeronDir, "-c", ReferenceSetup.Channel, "-s", "10000", "-n", "100"]);
        using ChildProcess producer = setup.Ours("interop-produce", setup.AeronDir, ReferenceSetup.Channel, "10000", "3000", "90");
        producer.WaitForLine("attached", Long);
        consumer.WaitForExit(Long);
        int frames = consumer.StandardOutput.Split('\n').Count(l => l.StartsWith("Frame seq=", StringComparison.Ordinal));
        TestContext.Progress.WriteLine($"our producer -> reference consumer: {frames} frames read by tp_example_consumer_driver");
        // It stops once it has read its count, finishing the poll it is in.
        Assert.That(frames, Is.GreaterThanOrEqualTo(100), () => consumer.StandardOutput + consumer.StandardError);
        Assert.That(consumer.StandardError, Does.Not.Contain("read failed"));
    }

    [Test]
    public void Our_driver_serves_the_reference_producer_and_consumer_from_the_reference_file()
    {
        using var setup = new ReferenceSetup();
        ChildProcess driver = setup.StartOurDriver();
        int consumersBefore = Attached(driver, "Consumer");
        using ChildProcess consumer = setup.StartReferenceClient("tp_example_consumer_driver",
            ["-a", setup.AeronDir, "-c", ReferenceSetup.Channel, "-s", "10000", "-n", "20"],
            _ => Attached(driver, "Consumer") > consumersBefore, StartUp);
        using ChildProcess producer = setup.StartReferenceClient("tp_example_producer_driver",
            ["-a", setup.AeronDir, "-c", ReferenceSetup.Channel, "-s", "10000", "-n", "2000"],
            p => p.StandardError.Contains("Attach info", StringComparison.Ordinal), StartUp,
            new Dictionary<string, string> { ["TP_EXAMPLE_WAIT_CONNECTED_MS"] = "20000", ["TP_EXAMPLE_PRINT_ATTACH"] = "1" });
        Assert.That(producer.WaitForExit(Long), Is.Zero, () => producer.StandardOutput + producer.StandardError);
        Assert.That(producer.StandardOutput, Does.Contain("Published frame"));
        consumer.WaitForExit(Long);
        int frames = consumer.StandardOutput.Split('\n').Count(l => l.StartsWith("Frame seq=", StringComparison.Ordinal));
        TestContext.Progress.WriteLine($"our driver, reference clients: {frames} frames read");
        Assert.That(frames, Is.GreaterThan(0), () => consumer.StandardOutput + consumer.StandardError);
    }

    [Test]
    public void The_reference_driver_serves_our_producer_and_consumer()
    {
        using var setup = new ReferenceSetup();
        setup.StartReferenceDriver();
        using ChildProcess consumer = setup.Ours("interop-consume", setup.AeronDir, ReferenceSetup.Channel, "10000", "500", "90");
        consumer.WaitForLine("attached", Long);
        using ChildProcess producer = setup.Ours("interop-produce", setup.AeronDir, ReferenceSetup.Channel, "10000", "2000", "90");
        producer.WaitForLine("attached", Long);
        Dictionary<string, string> result = Fields(consumer.WaitForLine("result", Long));
        TestContext.Progress.WriteLine("reference driver, our clients: " + string.Join(' ', result.Select(kv => kv.Key + "=" + kv.Value)));
        Assert.That(Number(result, "bad"), Is.Zero);
        Assert.That(Number(result, "frames"), Is.EqualTo(500), () => consumer.StandardError);
    }

    [Test]
    public void Tp_listen_and_tp_status_read_the_reference_drivers_streams()
    {
        using var setup = new ReferenceSetup();
        setup.StartReferenceDriver();
        // The reference driver announces a stream once a client holds a lease on it: a producer that stays attached.
        using ChildProcess producer = setup.Reference("tp_example_producer_driver",
            ["-a", setup.AeronDir, "-c", ReferenceSetup.Channel, "-s", "10000", "-n", "1"],
            new Dictionary<string, string> { ["TP_EXAMPLE_KEEPALIVE_MS"] = "120000" });
        // Its stdout is a pipe, fully buffered until it exits: its stderr says when it is attached and publishing.
        producer.WaitForError("Descriptor publication connected", Long);
        using ChildProcess listen = setup.Tp("listen", "--channel", ReferenceSetup.Channel, "--stream", "1001", "--json", "--count", "1", "--timeout", "60");
        string line = listen.WaitForLine("{", Long);
        Assert.That(listen.WaitForExit(Long), Is.Zero, () => listen.StandardError);
        Assert.That(line, Does.Contain("ShmPoolAnnounce").And.Contain("10000"), "the reference driver's announce of stream 10000, decoded");
        using ChildProcess status = setup.Tp("status", "--channel", ReferenceSetup.Channel, "--control-stream", "1001", "--json", "--wait", "3");
        Assert.That(status.WaitForExit(Long), Is.Zero, () => status.StandardError);
        Assert.That(status.StandardOutput, Does.Contain("10000"), "the stream the reference driver announces");
    }

    [Test]
    public void The_reference_inspector_reads_our_regions_and_ours_reads_theirs()
    {
        using var setup = new ReferenceSetup();
        // Our driver creates regions; the reference's tp_shm_inspect reads them.
        using (ChildProcess driver = setup.StartOurDriver())
        {
            using ChildProcess producer = setup.Ours("interop-produce", setup.AeronDir, ReferenceSetup.Channel, "10000", "10", "90");
            producer.WaitForLine("result", Long);
            string header = Directory.EnumerateFiles(setup.RegionRoot, "header.ring", SearchOption.AllDirectories).First();
            using ChildProcess inspect = setup.Reference("tp_shm_inspect", ["-a", "/dev/shm", "shm:file?path=" + header]);
            Assert.That(inspect.WaitForExit(Long), Is.Zero, () => inspect.StandardOutput + inspect.StandardError);
            TestContext.Progress.WriteLine("tp_shm_inspect on our region:\n" + inspect.StandardOutput);
            Assert.That(inspect.StandardOutput, Does.Contain("10000"));
            producer.CloseStandardInput();
            driver.Signal("INT");
            driver.WaitForExit(Long);
        }
        // The reference driver creates regions; `tp shm inspect` reads them.
        setup.StartReferenceDriver();
        using ChildProcess theirs = setup.Reference("tp_example_producer_driver",
            ["-a", setup.AeronDir, "-c", ReferenceSetup.Channel, "-s", "10000", "-n", "5"],
            new Dictionary<string, string> { ["TP_EXAMPLE_WAIT_CONNECTED_MS"] = "0", ["TP_EXAMPLE_KEEPALIVE_MS"] = "20000" });
        theirs.WaitForLine("Published frame", Long); // stdout reaches us when it exits (a pipe is fully buffered)
        string theirHeader = Directory.EnumerateFiles(setup.RegionRoot, "header.ring", SearchOption.AllDirectories).First();
        using ChildProcess ours = setup.Tp("shm", "inspect", theirHeader, "--json");
        Assert.That(ours.WaitForExit(Long), Is.Zero, () => ours.StandardOutput + ours.StandardError);
        TestContext.Progress.WriteLine("tp shm inspect on the reference's region:\n" + ours.StandardOutput);
        Assert.That(ours.StandardOutput, Does.Contain("10000"));
    }
}
