using System.Globalization;
using TensorPool.TestHost.Scenarios;
using TensorPool.Testing;

namespace TensorPool.Transport.Tests;

/// <summary>tp:ipc between real processes: many publishers and subscribers, a lapped subscriber, a publisher killed mid-claim.</summary>
[NonParallelizable]
public class MultiProcessTests
{
    private const long Capacity = 1 << 20;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);
    private const string DeadlineSeconds = "180";

    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);

    [Test]
    public void Four_publishers_three_subscribers_a_million_messages_none_corrupt_loss_only_where_lapped()
    {
        const int publishers = 4;
        const int perPublisher = 250_000;
        const long total = (long)publishers * perPublisher;
        using var dir = new TempDirectory();
        string board = Path.Combine(dir.Path, "progress");
        using var progress = new ProgressBoard(board); // created before any child opens it
        var children = new List<(string Name, ChildProcess Process)>();
        try
        {
            // Slots 0 and 1 keep up (the publishers stay within a quarter ring of them); slot 2 is slowed and lapped.
            for (int slot = 0; slot < 3; slot++)
            {
                string slow = slot == 2 ? "1" : "0";
                children.Add(($"subscriber{slot}", ChildProcess.StartScenario("transport-stress-subscriber",
                    dir.Path, S(Capacity), "7", S(total), S(publishers), board, S(slot), slow, DeadlineSeconds)));
            }
            foreach ((string _, ChildProcess p) in children)
            {
                p.WaitForLine("ready", StartTimeout);
            }
            for (int publisher = 0; publisher < publishers; publisher++)
            {
                children.Add(($"publisher{publisher}", ChildProcess.StartScenario("transport-stress-publisher",
                    dir.Path, S(Capacity), "7", S(publisher), S(perPublisher), board, S(Capacity / 4), DeadlineSeconds, "0", "1")));
            }
            ScenarioResult[] results = [.. children.Select(c => ScenarioResult.Of(c.Name, c.Process, RunTimeout))];
            string all = string.Join("\n", results.Select(r => r.ToString()));
            TestContext.Out.WriteLine(all);
            string outputs = string.Join("\n", results.Select(r => r.Output));
            Assert.Multiple(() =>
            {
                foreach (ScenarioResult r in results)
                {
                    Assert.That(r.ExitCode, Is.Zero, $"{r}\n{outputs}");
                }
                foreach (ScenarioResult p in results.Where(r => r.Name.StartsWith("publisher", StringComparison.Ordinal)))
                {
                    Assert.That(p["sent"], Is.EqualTo(perPublisher), p.ToString());
                    Assert.That(p["retries"], Is.Zero, p.ToString());
                }
                foreach (ScenarioResult s in results.Where(r => r.Name.StartsWith("subscriber", StringComparison.Ordinal)))
                {
                    Assert.That(s["corrupt"], Is.Zero, s.ToString());
                    Assert.That(s["disorder"], Is.Zero, s.ToString());
                    Assert.That(s["invalid"], Is.Zero, s.ToString());
                    Assert.That(s["received"] + s["lost"], Is.EqualTo(total), s.ToString());
                    Assert.That(s["checked"], Is.EqualTo(s["received"]), s.ToString());
                }
                foreach (string keepsUp in new[] { "subscriber0", "subscriber1" })
                {
                    ScenarioResult s = results.Single(r => r.Name == keepsUp);
                    Assert.That(s["received"], Is.EqualTo(total), s.ToString());
                    Assert.That(s["gaps"], Is.Zero, s.ToString());
                }
                ScenarioResult slowed = results.Single(r => r.Name == "subscriber2");
                Assert.That(slowed["lapped"], Is.GreaterThan(0), slowed.ToString());
                Assert.That(slowed["lost"], Is.GreaterThan(0), slowed.ToString());
            });
        }
        finally
        {
            foreach ((string _, ChildProcess p) in children)
            {
                p.Dispose();
            }
        }
    }

    [Test]
    public void Subscribers_in_other_processes_skip_the_claim_of_a_publisher_killed_before_commit_and_count_it()
    {
        const int messages = 1000;
        using var dir = new TempDirectory();
        using ChildProcess a = ChildProcess.StartScenario("transport-count-subscriber", dir.Path, S(Capacity), "9", S(messages), "200", DeadlineSeconds);
        using ChildProcess b = ChildProcess.StartScenario("transport-count-subscriber", dir.Path, S(Capacity), "9", S(messages), "200", DeadlineSeconds);
        a.WaitForLine("ready", StartTimeout);
        b.WaitForLine("ready", StartTimeout);
        using (ChildProcess dying = ChildProcess.StartScenario("transport-claim-and-hang", dir.Path, S(Capacity), "9"))
        {
            dying.WaitForLine("claimed", StartTimeout);
            dying.Kill(); // SIGKILL between claim and commit
        }
        using ChildProcess publisher = ChildProcess.StartScenario("transport-publish", dir.Path, S(Capacity), "9", S(messages));
        ScenarioResult published = ScenarioResult.Of("publisher", publisher, RunTimeout);
        Assert.That(published.ExitCode, Is.Zero, published.Output);
        foreach ((string name, ChildProcess child) in new[] { ("subscriberA", a), ("subscriberB", b) })
        {
            ScenarioResult r = ScenarioResult.Of(name, child, RunTimeout);
            Assert.Multiple(() =>
            {
                Assert.That(r.ExitCode, Is.Zero, r.Output);
                Assert.That(r["received"], Is.EqualTo(messages), r.Output);
                Assert.That(r["stalled"], Is.EqualTo(1), r.Output);
                Assert.That(r["lost"], Is.EqualTo(1), "the dead claim's index is the only loss: " + r.Output);
                Assert.That(r["corrupt"] + r["gaps"] + r["disorder"], Is.Zero, r.Output);
            });
        }
    }
}
