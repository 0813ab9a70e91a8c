using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Supervisor.Tests.MultiProcess;

/// <summary>
/// The supervisor with real processes over real shared memory: `tp supervisor`, `tp produce`, a consumer on the wire
/// (TestHost), `tp status --supervisor`. Waits are bounded and generous.
/// </summary>
[NonParallelizable]
public sealed class SupervisorProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private static ChildProcess Tp(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tp.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return ChildProcess.Start(psi);
    }

    [Test]
    public void The_supervisor_caps_a_rate_limited_consumer_on_the_stream_it_serves_and_tp_status_shows_it_11_10_5()
    {
        using var dir = new TempDirectory();
        string config = Path.Combine(dir.Path, "supervisor.toml");
        string status = Path.Combine(dir.Path, "supervisor.json");
        File.WriteAllText(config, """
            [supervisor]
            per_consumer_descriptor_channel = "tp:ipc"
            per_consumer_descriptor_base = 31000
            per_consumer_descriptor_range = 1000
            [[supervisor.policies]]
            name = "display"
            consumer_mode = "rate_limited"
            mode = "rate_limited"
            max_rate_hz = 20
            """);
        using ChildProcess supervisor = Tp("supervisor", "--config", config, "--namespace", "sv", "--shm-dir", dir.Path, "--status-file", status);
        supervisor.WaitForLine("tp supervisor: ready", Patience);
        using ChildProcess producer = Tp("produce", "--stream", "10000", "--bytes", "64", "--rate", "200", "--seconds", "600",
            "--namespace", "sv", "--shm-dir", dir.Path, "--name", "cam");
        using ChildProcess consumer = ChildProcess.StartScenario("supervised-consumer", dir.Path, "sv", "10000", "77", "5");
        Assert.That(consumer.WaitForLine("assigned ", Patience), Is.EqualTo("assigned tp:ipc 31077"), "31000 + 77 % 1000");
        string[] counted = consumer.WaitForLine("counted ", Patience).Split(' ');
        Assert.That(consumer.WaitForExit(Patience), Is.Zero, consumer.StandardError);
        long own = long.Parse(counted[1], CultureInfo.InvariantCulture);
        long all = long.Parse(counted[2], CultureInfo.InvariantCulture);
        double seconds = long.Parse(counted[3], CultureInfo.InvariantCulture) / 1000.0;
        TestContext.Out.WriteLine($"in {seconds:0.0} s: {own} descriptors on the capped stream ({own / seconds:0.0}/s), {all} on the shared one ({all / seconds:0.0}/s)");
        Assert.That(own, Is.Positive, "the supervisor serves the stream it assigned");
        Assert.That(own, Is.LessThanOrEqualTo((long)Math.Ceiling(20 * seconds) + 2), "never more than the cap (load can only lower it)");

        Stopwatch waited = Stopwatch.StartNew();
        while (true)
        {
            using ChildProcess show = Tp("status", "--supervisor", status, "--json");
            Assert.That(show.WaitForExit(Patience), Is.Zero, show.StandardError);
            using JsonDocument doc = JsonDocument.Parse(show.StandardOutput);
            JsonElement[] consumers = [.. doc.RootElement.GetProperty("consumers").EnumerateArray()];
            if (consumers.Any(c => c.GetProperty("consumerId").GetUInt32() == 77 && c.GetProperty("rateCappedMessages").GetInt64() > 0))
            {
                JsonElement c = consumers.Single(c => c.GetProperty("consumerId").GetUInt32() == 77);
                Assert.That((c.GetProperty("policy").GetString(), c.GetProperty("mode").GetString(), c.GetProperty("rateCapHz").GetUInt32()),
                    Is.EqualTo(("display", "RATE_LIMITED", 20u)));
                Assert.That(doc.RootElement.GetProperty("streams").EnumerateArray().Any(s => s.GetProperty("name").GetString() == "cam"));
                break;
            }
            Assert.That(waited.Elapsed, Is.LessThan(Patience), show.StandardOutput);
            Thread.Sleep(500);
        }
        using ChildProcess table = Tp("status", "--supervisor", status);
        Assert.That(table.WaitForExit(Patience), Is.Zero);
        Assert.That(table.StandardOutput, Does.Contain("CONSUMER").And.Contain("display").And.Contain("tp:ipc:31077"));
    }

    [Test]
    public void tp_supervisor_check_reads_a_driver_file_section_and_bad_keys_exit_2()
    {
        using var dir = new TempDirectory();
        string good = Path.Combine(dir.Path, "driver.toml");
        File.WriteAllText(good, "[driver]\ninstance_id = \"d\"\n[supervisor]\nforce_mode = 2\n");
        using (ChildProcess check = Tp("supervisor", "--config", good, "--check"))
        {
            Assert.That(check.WaitForExit(Patience), Is.Zero, check.StandardError);
            Assert.That(check.StandardOutput, Does.Contain("is valid"));
        }
        string bad = Path.Combine(dir.Path, "bad.toml");
        File.WriteAllText(bad, "[supervisor]\nforce_mode = 7\n");
        using (ChildProcess check = Tp("supervisor", "--config", bad))
        {
            Assert.That(check.WaitForExit(Patience), Is.EqualTo(2));
            Assert.That(check.StandardError, Does.Contain("supervisor.force_mode"));
        }
        using (ChildProcess missing = Tp("status", "--supervisor", Path.Combine(dir.Path, "none.json")))
        {
            Assert.That(missing.WaitForExit(Patience), Is.EqualTo(2));
        }
    }
}
