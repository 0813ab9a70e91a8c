using TensorPool.Control;

namespace TensorPool.Client.Tests.Control;

/// <summary>The max_rate_hz gate shared by the producer's per-consumer streams (§5) and the consumer's local gate (§11).</summary>
public class RateGateTests
{
    [Test]
    public void A_new_gate_lets_the_first_frame_through_whatever_its_timestamp()
    {
        foreach (long t in new[] { long.MinValue, -5, 0, 42, long.MaxValue - 10 })
        {
            RateGate gate = default;
            Assert.That(gate.TryPass(t, 100), Is.True, $"timestamp {t}");
        }
    }

    [Test]
    public void One_frame_passes_per_interval_of_the_frames_own_timestamps_11()
    {
        RateGate gate = default;
        Assert.That(gate.TryPass(1000, 100), Is.True);
        Assert.That(gate.TryPass(1050, 100), Is.False);
        Assert.That(gate.TryPass(1099, 100), Is.False);
        Assert.That(gate.TryPass(1100, 100), Is.True, "the interval is measured from the frame that passed");
        Assert.That(gate.TryPass(1150, 100), Is.False);
    }

    [Test]
    public void Timestamp_going_backwards_restarts_the_gate_instead_of_starving_it()
    {
        RateGate gate = default;
        Assert.That(gate.TryPass(1_000_000, 100), Is.True);
        Assert.That(gate.TryPass(5, 100), Is.True, "another clock or a restarted producer");
        Assert.That(gate.TryPass(50, 100), Is.False, "gated again from the new origin");
    }
}
