using TensorPool.Driver.Shm;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using ResponseCode = TensorPool.Sbe.Driver.ResponseCode;

namespace TensorPool.Driver.Tests.Protocol;

/// <summary>Shutdown requests and tokens (§4.13), file ownership and epoch GC (§3, wire §15.21a.7, §17).</summary>
public sealed class ShutdownAndGcTests
{
    [Test]
    public void Shutdown_request_with_a_wrong_token_is_ignored_4_13()
    {
        using var h = new DriverHarness(o => o.ShutdownToken = "right");
        h.Lease(h.Attach(1, 7, Role.Producer));
        h.ShutdownRequest("wrong");
        h.ShutdownRequest("");
        h.ShutdownRequest("right-but-longer");
        h.Advance(TimeSpan.FromSeconds(10));
        Assert.That(h.OfType(901, ShmDriverShutdownDecoder.TemplateId), Is.Empty);
        Assert.That(h.Driver.Counters.ShutdownRequestsRejected, Is.EqualTo(3));
        Assert.That(h.Driver.Status.IsDraining, Is.False);
    }

    [Test]
    public void Shutdown_request_is_ignored_when_no_token_is_configured_4_13()
    {
        using var h = new DriverHarness();
        h.Start();
        h.ShutdownRequest("");
        h.Advance(TimeSpan.FromSeconds(10));
        Assert.That(h.OfType(901, ShmDriverShutdownDecoder.TemplateId), Is.Empty);
    }

    [Test]
    public void Shutdown_with_the_token_drains_announces_then_sends_ShmDriverShutdown_and_removes_files_4_13()
    {
        using var h = new DriverHarness(o => { o.ShutdownToken = "right"; o.ShutdownTimeoutMs = 2000; });
        h.Lease(h.Attach(1, 7, Role.Producer));
        string epochDir = h.Driver.Status.Streams.Single().EpochDir!;
        int announcesBefore = h.Announcements().Count;
        h.ShutdownRequest("right", ShutdownReason.Admin);
        Assert.That(h.Driver.Status.IsDraining, Is.True);
        Assert.That(h.Announcements().Count, Is.GreaterThan(announcesBefore), "a final announce when draining starts");
        Assert.That(DriverHarness.Response(h.Attach(2, 8, Role.Consumer)).Code, Is.EqualTo(ResponseCode.Rejected), "no attach while draining");
        h.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.That(h.OfType(901, ShmDriverShutdownDecoder.TemplateId), Is.Empty, "still draining");
        Assert.That(h.Driver.Completion.IsCompleted, Is.False);
        h.Advance(TimeSpan.FromMilliseconds(2));
        byte[] notice = h.OfType(901, ShmDriverShutdownDecoder.TemplateId).Single();
        Assert.That(ShmDriverShutdownDecoder.TryWrap(notice, out var d), Is.True);
        Assert.That(d.Reason, Is.EqualTo(ShutdownReason.Admin), "the reason reflects the request");
        Assert.That(h.Driver.Completion.IsCompleted, Is.True);
        Assert.That(Directory.Exists(epochDir), Is.False, "the driver removes what it created");
    }

    [Test]
    public void Dispose_sends_ShmDriverShutdown_and_removes_every_epoch_directory()
    {
        using var h = new DriverHarness();
        h.Lease(h.Attach(1, 7, Role.Producer));
        string stream = Path.GetDirectoryName(h.Driver.Status.Streams.Single().EpochDir!)!;
        h.Driver.Dispose();
        h.Collect();
        Assert.That(h.OfType(901, ShmDriverShutdownDecoder.TemplateId), Has.Count.EqualTo(1));
        Assert.That(Directory.GetDirectories(stream), Is.Empty);
    }

    [Test]
    public void Gc_keeps_the_current_epoch_and_one_more_until_they_are_old_enough_17()
    {
        using var h = new DriverHarness(o => { o.EpochGcKeep = 2; o.EpochGcMinAgeNs = 5_000_000_000UL; });
        string? streamDir = null;
        for (int i = 0; i < 4; i++)
        {
            ulong lease = h.Lease(h.Attach(10 + i, 7, Role.Producer));
            streamDir ??= Path.GetDirectoryName(h.Driver.Status.Streams.Single().EpochDir!);
            h.Detach(20 + i, lease, 7, Role.Producer); // two epochs per cycle: attach and detach (§6)
        }
        Assert.That(Directory.GetDirectories(streamDir!), Has.Length.EqualTo(8), "nothing is old enough yet");
        h.Advance(TimeSpan.FromMilliseconds(5001));
        string[] left = Directory.GetDirectories(streamDir!);
        Assert.That(left, Has.Length.EqualTo(2), "the current epoch and one older");
        Assert.That(left.Select(Path.GetFileName), Does.Contain(h.Driver.Status.Streams.Single().Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Gc_disabled_keeps_every_epoch_until_shutdown()
    {
        using var h = new DriverHarness(o => o.EpochGcEnabled = false);
        ulong lease = h.Lease(h.Attach(1, 7, Role.Producer));
        string streamDir = Path.GetDirectoryName(h.Driver.Status.Streams.Single().EpochDir!)!;
        h.Detach(2, lease, 7, Role.Producer);
        h.Advance(TimeSpan.FromMinutes(5));
        Assert.That(Directory.GetDirectories(streamDir), Has.Length.EqualTo(2));
    }

    [Test]
    public unsafe void Startup_gc_removes_epochs_of_dead_creators_and_keeps_those_of_live_ones_17()
    {
        using var dir = new Testing.TempDirectory();
        using var probe = new DriverHarness(dir: dir);
        ShmPolicy policy = ShmPolicy.From(probe.Options);
        int deadPid = DeadPid();
        string dead = CreateEpoch(policy, 100, (ulong)deadPid);
        string older = CreateEpoch(policy, 150, (ulong)Environment.ProcessId);
        string newest = CreateEpoch(policy, 200, (ulong)Environment.ProcessId);
        string other = CreateEpoch(policy, 300, 1); // pid 1 lives: another live process's epoch is never touched
        foreach (string d in new[] { dead, older, newest, other })
        {
            Directory.SetLastWriteTimeUtc(d, DateTime.UtcNow.AddMinutes(-10)); // old enough
        }
        using var h = new DriverHarness(o => { o.EpochGcOnStartup = true; o.EpochGcKeep = 1; }, dir: dir);
        h.Start();
        h.Pump();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Directory.Exists(dead), Is.False, "stale: its creator is dead");
            Assert.That(Directory.Exists(older), Is.False, "beyond the keep count");
            Assert.That(Directory.Exists(newest), Is.True, "the newest one is kept (keep 1, no current epoch yet)");
            Assert.That(Directory.Exists(other), Is.True, "another live process's");
        }
    }

    [Test]
    public void Epoch_directories_younger_than_the_minimum_age_survive_startup_gc_17()
    {
        using var dir = new Testing.TempDirectory();
        using var probe = new DriverHarness(dir: dir);
        string dead = CreateEpoch(ShmPolicy.From(probe.Options), 100, (ulong)DeadPid());
        using var h = new DriverHarness(o => { o.EpochGcOnStartup = true; o.EpochGcMinAgeNs = 60_000_000_000UL; }, dir: dir);
        h.Start();
        h.Pump();
        Assert.That(Directory.Exists(dead), Is.True, "younger than 60 s");
        h.Advance(TimeSpan.FromSeconds(61));
        Assert.That(Directory.Exists(dead), Is.False, "collected once old enough");
    }

    /// <summary>An epoch directory as another process would have left it: its superblocks carry <paramref name="pid"/>.</summary>
    private static unsafe string CreateEpoch(ShmPolicy policy, ulong epoch, ulong pid)
    {
        StreamEpoch e = StreamEpoch.Create(policy, DriverHarness.Stream, epoch, new TensorPool.Driver.Configuration.ProfileDefinition("p", 8, [new(1, 64)]), false);
        e.Close();
        string ring = Path.Combine(e.Dir, "header.ring");
        using (var f = new FileStream(ring, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = TpSuperblockConstants.SuperblockOffsetPid;
            f.Write(BitConverter.GetBytes(pid));
        }
        return e.Dir;
    }

    /// <summary>The pid of a process that has exited.</summary>
    private static int DeadPid()
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }
}
