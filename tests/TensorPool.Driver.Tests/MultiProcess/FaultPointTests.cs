using System.Diagnostics;
using TensorPool.Diagnostics;
using TensorPool.Testing;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Driver.Tests.MultiProcess;

/// <summary>The fault point's plan and its safety (D205), and the frame pattern the crash matrix and tp soak check (D206, D207).</summary>
public sealed class FaultPointTests
{
    [TestCase("attach", "Attach", 1)]
    [TestCase("payload-write:300", "PayloadWrite", 300)]
    [TestCase("epoch-change:2", "EpochChange", 2)]
    [TestCase(" keepalive:3 ", "Keepalive", 3)]
    public void A_plan_names_a_step_and_its_nth_hit_D205(string text, string step, long nth)
    {
        Assert.That(FaultPoint.TryParse(text, out FaultStep parsed, out long n), Is.True);
        Assert.That((parsed.ToString(), n), Is.EqualTo((step, nth)));
    }

    [TestCase("")]
    [TestCase("none")]
    [TestCase("Attach")]
    [TestCase("claim:0")]
    [TestCase("claim:-1")]
    [TestCase("claim:1:2")]
    [TestCase("claim:x")]
    [TestCase("payload_write")]
    public void A_malformed_plan_is_refused_D205(string text) =>
        Assert.That(FaultPoint.TryParse(text, out _, out _), Is.False);

    [Test]
    public void Every_step_name_parses_back_to_its_step_D205()
    {
        foreach (FaultStep step in Enum.GetValues<FaultStep>().Where(s => s != FaultStep.None))
        {
            Assert.That(FaultPoint.TryParse(FaultPoint.StepName(step), out FaultStep parsed, out _) && parsed == step, Is.True, step.ToString());
        }
    }

    [Test]
    public void Tp_does_not_opt_in_so_TP_FAULT_AT_cannot_kill_it_D205()
    {
        // The shipped program lacks the runtimeconfig switch: a plan that would kill the producer at its first claim is
        // ignored and the demo runs to the end.
        using var dir = new TempDirectory();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        foreach (string a in (string[])[DriverProcess.TpPath, "demo", "--frames", "200", "--bytes", "64", "--consumers", "1", "--no-driver", "--shm-dir", dir.Path])
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["TP_FAULT_AT"] = "claim:1";
        using ChildProcess demo = ChildProcess.Start(psi);
        Assert.That(demo.WaitForExit(Wait.Patience), Is.Zero, demo.Output());
        Assert.That(demo.StandardError, Does.Not.Contain("fault:"));
    }

    [Test]
    public void The_pattern_accepts_its_frame_and_refuses_a_torn_or_misplaced_one_D206()
    {
        byte[] a = new byte[1000];
        byte[] b = new byte[1000];
        FramePattern.Fill(a, 7, 41);
        FramePattern.Fill(b, 7, 42);
        byte[] torn = [.. a[..500], .. b[500..]];
        byte[] oneByte = (byte[])a.Clone();
        oneByte[999] ^= 1;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FramePattern.Matches(a, 7, 41), Is.True);
            Assert.That(FramePattern.Matches(torn, 7, 41), Is.False, "half of the next frame");
            Assert.That(FramePattern.Matches(torn, 7, 42), Is.False);
            Assert.That(FramePattern.Matches(oneByte, 7, 41), Is.False, "one bit of the tail");
            Assert.That(FramePattern.Matches(a, 7, 42), Is.False, "another seq");
            Assert.That(FramePattern.Matches(a, 8, 41), Is.False, "another epoch");
        }
    }
}
