using System.Diagnostics;
using System.Globalization;
using TensorPool.Testing;

namespace TensorPool.Transport.Aeron.Tests;

/// <summary>
/// aeron:udp between two hosts, as two network namespaces joined by a veth pair that the test creates (root only):
/// a publisher and its media driver in one, a subscriber and its media driver in the other, every message checked.
/// </summary>
public class AeronNetnsTests
{
    [Test]
    public void Udp_carries_every_message_between_two_network_namespaces()
    {
        string library = AeronEnvironment.Require();
        AeronEnvironment.RequireMediaDriverBinary();
        if (Internal.Statx.GetEffectiveUid() != 0)
        {
            Assert.Ignore("creating network namespaces needs root (ip netns add); run the tests as root to include this one");
        }
        int id = Environment.ProcessId % 200;
        string nsA = $"tpa{Environment.ProcessId}", nsB = $"tpb{Environment.ProcessId}";
        string vethA = $"tpva{Environment.ProcessId % 100000}", vethB = $"tpvb{Environment.ProcessId % 100000}";
        string addressA = $"10.201.{id}.1", addressB = $"10.201.{id}.2";
        var created = new List<string>();
        try
        {
            if (!Ip(created, nsA, "netns", "add", nsA) || !Ip(created, nsB, "netns", "add", nsB)
                || !Ip(null, null, "link", "add", vethA, "type", "veth", "peer", "name", vethB)
                || !Ip(null, null, "link", "set", vethA, "netns", nsA) || !Ip(null, null, "link", "set", vethB, "netns", nsB)
                || !Ip(null, null, "-n", nsA, "addr", "add", addressA + "/24", "dev", vethA)
                || !Ip(null, null, "-n", nsB, "addr", "add", addressB + "/24", "dev", vethB)
                || !Ip(null, null, "-n", nsA, "link", "set", vethA, "up") || !Ip(null, null, "-n", nsB, "link", "set", vethB, "up")
                || !Ip(null, null, "-n", nsA, "link", "set", "lo", "up") || !Ip(null, null, "-n", nsB, "link", "set", "lo", "up"))
            {
                Assert.Ignore("this environment does not allow creating network namespaces and veth pairs (ip netns/link failed)");
            }
            using var temp = new TempDirectory(prefix: "tp-aeron-netns-");
            string dirA = Path.Combine(temp.Path, "a"), dirB = Path.Combine(temp.Path, "b");
            using ChildProcess driverA = AeronEnvironment.StartMediaDriver(dirA, netns: nsA);
            using ChildProcess driverB = AeronEnvironment.StartMediaDriver(dirB, netns: nsB);
            string channel = $"aeron:udp?endpoint={addressB}:40456";
            const int count = 2000;
            using ChildProcess subscriber = InNamespace(nsB, library, "aeron-subscribe", dirB, channel, "1001", count.ToString(CultureInfo.InvariantCulture), "90");
            subscriber.WaitForLine("ready", TimeSpan.FromSeconds(60));
            // Messages longer than the MTU: fragmented by the sender, reassembled by the subscriber.
            using ChildProcess publisher = InNamespace(nsA, library, "aeron-publish", dirA, channel, "1001", count.ToString(CultureInfo.InvariantCulture), "3000", "90");
            string result = subscriber.WaitForLine("result", TimeSpan.FromSeconds(120));
            Assert.That(result, Is.EqualTo($"result received={count} bad=0 images=1"), () => subscriber.StandardError + publisher.StandardOutput + publisher.StandardError);
            Assert.That(publisher.WaitForLine("result", TimeSpan.FromSeconds(30)), Does.StartWith($"result sent={count}"));
            publisher.CloseStandardInput();
            Assert.That(publisher.WaitForExit(TimeSpan.FromSeconds(30)), Is.Zero);
            Assert.That(subscriber.WaitForExit(TimeSpan.FromSeconds(30)), Is.Zero);
        }
        finally
        {
            foreach (string ns in created)
            {
                Ip(null, null, "netns", "del", ns); // removes the veth end inside it, and so the pair
            }
        }
    }

    private static ChildProcess InNamespace(string ns, string library, params string[] scenario)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardInput = true };
        foreach (string a in new[] { "netns", "exec", ns, "dotnet", ChildProcess.TestHostPath }.Concat(scenario))
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["TP_AERON_LIBRARY"] = library;
        return ChildProcess.Start(psi);
    }

    private static bool Ip(List<string>? created, string? name, params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using Process? ip = Process.Start(psi);
        if (ip is null)
        {
            return false;
        }
        ip.WaitForExit();
        if (ip.ExitCode == 0 && created is not null && name is not null)
        {
            created.Add(name);
        }
        if (ip.ExitCode != 0)
        {
            TestContext.Progress.WriteLine($"ip {string.Join(' ', args)}: {ip.StandardError.ReadToEnd()}");
        }
        return ip.ExitCode == 0;
    }
}
