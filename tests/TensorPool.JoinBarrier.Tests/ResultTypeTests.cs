using TensorPool.Sbe.JoinBarrier;

namespace TensorPool.JoinBarrier.Tests;

/// <summary>JoinObservation and MergeMapRejection are built with initializers; what a caller leaves out has a meaning.</summary>
public class ResultTypeTests
{
    [Test]
    public void A_rejection_without_a_rule_index_names_the_map_as_a_whole()
    {
        var rejection = new MergeMapRejection { Reason = MergeMapRejectReason.NoRules };
        Assert.Multiple(() =>
        {
            Assert.That(rejection.RuleIndex, Is.EqualTo(-1));
            Assert.That(MergeMapRejection.None.RuleIndex, Is.EqualTo(-1));
            Assert.That(rejection.ToString(), Is.EqualTo("NoRules"));
            Assert.That(new MergeMapRejection { Reason = MergeMapRejectReason.ZeroWindow, RuleIndex = 2 }.ToString(), Is.EqualTo("ZeroWindow in rule 2"));
            Assert.That(() => new MergeMapRejection { RuleIndex = -2 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void An_observation_without_a_clock_domain_is_in_the_monotonic_clock()
    {
        var observation = new JoinObservation { Epoch = 3, Seq = 7 };
        Assert.Multiple(() =>
        {
            Assert.That(observation.ClockDomain, Is.EqualTo(ClockDomain.Monotonic));
            Assert.That(default(JoinObservation).ClockDomain, Is.EqualTo(ClockDomain.Monotonic));
            Assert.That(observation with { ClockDomain = ClockDomain.RealtimeSynced }, Has.Property(nameof(JoinObservation.ClockDomain)).EqualTo(ClockDomain.RealtimeSynced));
            Assert.That(observation.DescriptorTimestampNs, Is.Null);
            Assert.That(observation.SlotTimestampNs, Is.Null);
        });
    }
}
