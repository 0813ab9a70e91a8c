using System.Text.Json;
using TensorPool.Testing;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>
/// The crash matrix (issue 19, D205): producer, consumer and driver, each a real process over real shared memory,
/// killed by SIGKILL at each protocol step through the fault point, then the recovery the specs require is checked:
/// the dead client's lease ends (expiry, driver spec §4.4, §4.7; or its detach, §4.9) before a replacement is granted,
/// a producer's end or a driver restart gives a higher epoch (§6, §7, §10) that the consumer maps and reads, and no
/// frame whose bytes are not its own is ever delivered (wire §8.3, §15.18): the consumer checks every frame's payload
/// against the pattern of its (epoch, seq), and nothing is delivered twice, out of order or beyond what was published.
/// </summary>
[NonParallelizable]
public sealed class CrashMatrixTests
{
    private static readonly TimeSpan Long = Wait.Patience;

    public static IEnumerable<CrashCase> Matrix()
    {
        // Producer: every step of the data path and of its lease.
        yield return new("Producer_killed_at_attach", "attach:1") { Victim = Victim.Producer };
        yield return new("Producer_killed_at_claim", "claim:300") { Victim = Victim.Producer };
        yield return new("Producer_killed_at_payload_write", "payload-write:300", "offer") { Victim = Victim.Producer };
        yield return new("Producer_killed_at_commit", "commit:300") { Victim = Victim.Producer };
        yield return new("Producer_killed_at_announce", "announce:3") { Victim = Victim.Producer };
        yield return new("Producer_killed_at_keepalive", "keepalive:3") { Victim = Victim.Producer };
        yield return new("Producer_killed_at_detach", "detach:1") { Victim = Victim.Producer, Trigger = Trigger.StopProducer };
        yield return new("Producer_killed_at_epoch_change", "epoch-change:1") { Victim = Victim.Producer, Trigger = Trigger.KillDriver };
        // Consumer: its lease and its remap (it writes nothing shared: claim, payload write and commit are not its steps).
        yield return new("Consumer_killed_at_attach", "attach:1") { Victim = Victim.Consumer };
        yield return new("Consumer_killed_at_keepalive", "keepalive:3") { Victim = Victim.Consumer };
        yield return new("Consumer_killed_at_detach", "detach:1") { Victim = Victim.Consumer, Trigger = Trigger.StopConsumer };
        yield return new("Consumer_killed_at_epoch_change", "epoch-change:1") { Victim = Victim.Consumer, Trigger = Trigger.StopProducer };
        // Driver: the consumer attaches first, so attach:2 and epoch-change:2 are the producer's attach.
        yield return new("Driver_killed_at_attach", "attach:2") { Victim = Victim.Driver };
        yield return new("Driver_killed_at_announce", "announce:4") { Victim = Victim.Driver };
        yield return new("Driver_killed_at_keepalive", "keepalive:3") { Victim = Victim.Driver };
        yield return new("Driver_killed_at_detach", "detach:1") { Victim = Victim.Driver, Trigger = Trigger.StopProducer };
        yield return new("Driver_killed_at_epoch_change", "epoch-change:2") { Victim = Victim.Driver };
    }

    [TestCaseSource(nameof(Matrix))]
    public void Killed_at_a_protocol_step_recovers_as_the_specs_require_and_no_torn_frame_is_accepted(CrashCase c)
    {
        using var rig = new CrashRig();
        try
        {
            Run(rig, c);
        }
        catch (Exception e) when (e is not AssertionException and not IgnoreException and not SuccessException)
        {
            Assert.Fail($"{e}\n{rig.Report()}");
        }
    }

    private static void Run(CrashRig rig, CrashCase c)
    {
        string? Armed(Victim v) => c.Victim == v ? c.Fault : null;
        rig.StartDriver(Armed(Victim.Driver));
        ChildProcess consumer = rig.StartConsumer(Armed(Victim.Consumer));
        if (c.Victim != Victim.Consumer || c.Trigger != Trigger.None)
        {
            consumer.WaitForLine("attached ", Long);
        }
        ChildProcess producer = rig.StartProducer(Armed(Victim.Producer), c.Mode);
        ChildProcess victim = c.Victim switch
        {
            Victim.Producer => producer,
            Victim.Consumer => consumer,
            _ => rig.Driver!,
        };

        bool triggered = false;
        if (c.Trigger != Trigger.None)
        {
            // Frames flow first: the step is reached from a working pipeline. A consumer may meet its first epoch change
            // earlier (the epoch the driver made for it, then the producer's), and die there: no trigger then.
            Wait.Until(() => victim.HasExited || CrashRig.Epochs(producer, producer: true).Intersect(Wait.Epochs(consumer)).Any(), rig.Report);
            triggered = !victim.HasExited;
        }
        if (triggered)
        {
            switch (c.Trigger)
            {
                case Trigger.StopProducer:
                    producer.WriteLine("stop");
                    break;
                case Trigger.StopConsumer:
                    consumer.WriteLine("stop");
                    break;
                default:
                    rig.Driver!.Kill();
                    rig.StartDriver(null);
                    break;
            }
        }

        int exit = victim.WaitForExit(Long);
        Assert.That(exit, Is.EqualTo(137), $"the {c.Victim} was to die by SIGKILL at {c.Fault}\n{rig.Report()}");
        Assert.That(victim.StandardError, Does.Contain("fault: SIGKILL at " + c.Fault), "killed at the armed step");
        ulong before = CrashRig.Epochs(rig.Producer, producer: true).Concat(Wait.Epochs(consumer)).DefaultIfEmpty().Max();

        Recover(rig, c, triggered, Ended(rig, c.Victim.ToString(), ") Expired:"));

        // The pipeline works again: the live producer's newest epoch reaches the live consumer.
        ChildProcess liveProducer = rig.Producer!;
        ChildProcess liveConsumer = rig.Consumer!;
        bool freshEpoch = c.Victim != Victim.Consumer || (triggered && c.Trigger == Trigger.StopProducer);
        Wait.Until(() => CrashRig.Epochs(liveProducer, producer: true).DefaultIfEmpty().Max() is var e && (!freshEpoch || e > before) &&
            Wait.Epochs(liveConsumer).Contains(e), () => $"no recovery past epoch {before}\n{rig.Report()}");
        ulong final = CrashRig.Epochs(liveProducer, producer: true).Max();

        liveProducer.WriteLine("stop");
        string done = liveProducer.WaitForLine("done ", Long);
        Assert.That(liveProducer.WaitForExit(Long), Is.Zero, rig.Report());
        liveConsumer.WriteLine("stop");
        string resultLine = liveConsumer.WaitForLine("result ", Long);
        Assert.That(liveConsumer.WaitForExit(Long), Is.Zero, rig.Report());

        JsonElement published = JsonDocument.Parse(done["done ".Length..]).RootElement;
        JsonElement result = JsonDocument.Parse(resultLine["result ".Length..]).RootElement;
        long Published(ulong epoch) => published.GetProperty("epochs").EnumerateArray()
            .Where(x => x.GetProperty("epoch").GetUInt64() == epoch).Sum(x => x.GetProperty("frames").GetInt64());
        JsonElement finalEpoch = result.GetProperty("epochs").EnumerateArray().Single(x => x.GetProperty("epoch").GetUInt64() == final);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.GetProperty("torn").GetInt64(), Is.Zero, "§8.3: no frame with bytes not its own is delivered");
            Assert.That(result.GetProperty("disordered").GetInt64(), Is.Zero, "nothing delivered twice or out of order in an epoch");
            Assert.That(result.GetProperty("older_after_newer").GetInt64(), Is.Zero, "§6: nothing of an older epoch after a newer one");
            Assert.That(finalEpoch.GetProperty("frames").GetInt64(), Is.GreaterThan(0).And.LessThanOrEqualTo(Published(final)),
                "the recovered epoch's frames were delivered, never more than were published");
            Assert.That(finalEpoch.GetProperty("max_seq").GetInt64(), Is.LessThan(Published(final)), "no seq beyond what was published");
            Assert.That(result.GetProperty("accepted").GetInt64(),
                Is.EqualTo(result.GetProperty("epochs").EnumerateArray().Sum(x => x.GetProperty("frames").GetInt64())),
                "the consumer's count of accepted frames is exactly the frames checked and delivered (a re-check failure is a drop)");
        }
        rig.Driver!.WriteLine("stop");
        Assert.That(rig.Driver.WaitForExit(Long), Is.Zero, rig.Report());
    }

    /// <summary>Replace what died or stopped, after the spec's cleanup of its lease.</summary>
    private static void Recover(CrashRig rig, CrashCase c, bool triggered, int expiredBefore)
    {
        Trigger trigger = triggered ? c.Trigger : Trigger.None;
        if (c.Victim == Victim.Driver)
        {
            // §10: a new driver; the clients' leases are gone with the old one and they attach again.
            rig.StartDriver(null);
        }
        bool producerGone = c.Victim == Victim.Producer || trigger == Trigger.StopProducer;
        bool consumerGone = c.Victim == Victim.Consumer || trigger == Trigger.StopConsumer;
        if (producerGone && c.Victim != Victim.Driver)
        {
            // §4.4/§4.9: the lease of the dead producer ends (expired or detached) before a new producer may attach (§5).
            WaitForLeaseEnd(rig, "Producer", c, expiredBefore);
        }
        if (consumerGone && c.Victim != Victim.Driver)
        {
            WaitForLeaseEnd(rig, "Consumer", c, expiredBefore);
        }
        if (trigger == Trigger.StopProducer && c.Victim != Victim.Producer)
        {
            Assert.That(rig.Producer!.WaitForExit(Long), Is.Zero, rig.Report());
        }
        if (producerGone)
        {
            rig.StartProducer(null).WaitForLine("attached ", Long);
        }
        if (consumerGone)
        {
            rig.StartConsumer(null).WaitForLine("attached ", Long);
        }
    }

    private static void WaitForLeaseEnd(CrashRig rig, string role, CrashCase c, int expiredBefore)
    {
        // The victim's own lease expires unless it died after sending its detach; a client the test stopped detached.
        // An expiry counts only if it came after the death (a loaded machine may have expired a live lease earlier).
        bool expires = c.Victim.ToString() == role && !c.Fault.StartsWith("detach", StringComparison.Ordinal);
        Wait.Until(() => expires ? Ended(rig, role, ") Expired:") > expiredBefore : Ended(rig, role, ") Detached:") > 0,
            () => $"the dead {role}'s lease never ended\n{rig.Report()}");
    }

    private static int Ended(CrashRig rig, string role, string reason) =>
        rig.DriverLogs.Split('\n').Count(l => l.Contains($"({role} client", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
}
