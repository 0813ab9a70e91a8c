using TensorPool.TraceLink;

namespace TensorPool.TraceLink.Tests;

/// <summary>Where a node id comes from (TraceLink §6.2, driver spec §4.2, D151).</summary>
public class TraceNodeIdTests
{
    [Test]
    public void The_driver_assigned_node_id_is_used_when_attached_6_2()
    {
        Assert.That(TraceNodeId.Resolve(grantedByDriver: 17, configured: null), Is.EqualTo(17));
        Assert.That(TraceNodeId.Resolve(grantedByDriver: 17, configured: 3), Is.EqualTo(17), "the driver keeps its ids unique among leases");
    }

    [Test]
    public void The_configured_node_id_is_used_without_a_driver_assignment_6_2()
    {
        Assert.That(TraceNodeId.Resolve(grantedByDriver: null, configured: 3), Is.EqualTo(3));
        Assert.That(TraceNodeId.Resolve(null, 0), Is.Zero);
        Assert.That(TraceNodeId.Resolve(null, TraceId.MaxNodeId), Is.EqualTo(1023));
    }

    [Test]
    public void Without_either_tracing_refuses_to_guess_a_node_id_6_2()
    {
        Assert.That(() => TraceNodeId.Resolve(null, null),
            Throws.InvalidOperationException.With.Message.Contains("ShmAttachResponse.nodeId").And.Message.Contains("configure one"));
    }

    [Test]
    public void A_node_id_that_does_not_fit_10_bits_is_refused_whoever_gave_it()
    {
        Assert.That(() => TraceNodeId.Resolve(5000, null), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("driver"));
        Assert.That(() => TraceNodeId.Resolve(null, 1024), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("configured"));
    }
}
