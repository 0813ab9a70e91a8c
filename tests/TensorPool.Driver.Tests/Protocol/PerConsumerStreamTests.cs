using TensorPool.Driver.Configuration;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;

namespace TensorPool.Driver.Tests.Protocol;

/// <summary>Per-consumer descriptor/control stream ids from the configured ranges (driver spec §11, wire §10.1.2-3).</summary>
public sealed class PerConsumerStreamTests
{
    private static DriverHarness Harness(bool ranges = true) => new(o =>
    {
        if (ranges)
        {
            o.DescriptorStreamIdRange = [new IdRange(31000, 31001)];
            o.ControlStreamIdRange = [new IdRange(32000, 32000)];
        }
    });

    private static ConsumerConfigDecoder Hello(DriverHarness h, uint consumer, string descriptorChannel, uint descriptorId,
        string controlChannel = "", uint controlId = 0)
    {
        int before = h.OfType(900, ConsumerConfigDecoder.TemplateId).Count;
        h.Send(ConsumerHellos.Encode(DriverHarness.Stream, consumer, descriptorChannel, descriptorId, controlChannel, controlId));
        h.Pump();
        List<byte[]> configs = h.OfType(900, ConsumerConfigDecoder.TemplateId);
        Assert.That(configs, Has.Count.EqualTo(before + 1), "one ConsumerConfig per hello that asks");
        Assert.That(ConsumerConfigDecoder.TryWrap(configs[^1], out ConsumerConfigDecoder c), Is.True);
        return c;
    }

    [Test]
    public void Channel_with_id_0_gets_an_id_from_the_range_11()
    {
        using var h = Harness();
        h.Lease(h.Attach(1, 7, Role.Consumer));
        ConsumerConfigDecoder c = Hello(h, 7, "tp:ipc", 0, "tp:ipc", 0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(c.ConsumerId, Is.EqualTo(7));
            Assert.That(c.StreamId, Is.EqualTo(DriverHarness.Stream));
            Assert.That(c.DescriptorStreamId, Is.EqualTo(31000));
            Assert.That(c.GetDescriptorChannelString(), Is.EqualTo("tp:ipc"));
            Assert.That(c.ControlStreamId, Is.EqualTo(32000));
            Assert.That(c.GetControlChannelString(), Is.EqualTo("tp:ipc"));
        }
        ConsumerConfigDecoder again = Hello(h, 7, "tp:ipc", 0, "tp:ipc", 0);
        Assert.That(again.DescriptorStreamId, Is.EqualTo(31000), "a repeated hello keeps its assignment");
    }

    [Test]
    public void Half_specified_request_is_declined_with_empty_channel_and_id_0_10_1_3()
    {
        using var h = Harness();
        h.Lease(h.Attach(1, 7, Role.Consumer));
        ConsumerConfigDecoder c = Hello(h, 7, "", 31000);
        Assert.That(c.DescriptorStreamId, Is.Zero);
        Assert.That(c.DescriptorChannel.Length, Is.Zero);
        Assert.That(h.Driver.Counters.PerConsumerDeclined, Is.EqualTo(1));
    }

    [Test]
    public void Exhausted_range_is_declined_and_a_released_id_is_reused_11()
    {
        using var h = Harness();
        ulong a = h.Lease(h.Attach(1, 7, Role.Consumer));
        h.Lease(h.Attach(2, 8, Role.Consumer));
        h.Lease(h.Attach(3, 9, Role.Consumer));
        Assert.That(Hello(h, 7, "tp:ipc", 0).DescriptorStreamId, Is.EqualTo(31000));
        Assert.That(Hello(h, 8, "tp:ipc", 0).DescriptorStreamId, Is.EqualTo(31001));
        ConsumerConfigDecoder c = Hello(h, 9, "tp:ipc", 0);
        Assert.That(c.DescriptorStreamId, Is.Zero, "range exhausted: declined");
        Assert.That(c.DescriptorChannel.Length, Is.Zero);
        h.Detach(4, a, 7, Role.Consumer);
        Assert.That(Hello(h, 9, "tp:ipc", 0).DescriptorStreamId, Is.EqualTo(31000), "released with the lease");
    }

    [Test]
    public void Specific_id_must_be_inside_the_range_and_free_11()
    {
        using var h = Harness();
        h.Lease(h.Attach(1, 7, Role.Consumer));
        h.Lease(h.Attach(2, 8, Role.Consumer));
        Assert.That(Hello(h, 7, "tp:ipc", 40000).DescriptorStreamId, Is.Zero, "outside the range");
        Assert.That(Hello(h, 7, "tp:ipc", 31001).DescriptorStreamId, Is.EqualTo(31001));
        Assert.That(Hello(h, 8, "tp:ipc", 31001).DescriptorStreamId, Is.Zero, "taken");
    }

    [Test]
    public void Unset_range_declines_11()
    {
        using var h = Harness(ranges: false);
        h.Lease(h.Attach(1, 7, Role.Consumer));
        ConsumerConfigDecoder c = Hello(h, 7, "tp:ipc", 0, "tp:ipc", 0);
        Assert.That(c.DescriptorStreamId, Is.Zero);
        Assert.That(c.ControlStreamId, Is.Zero);
    }

    [Test]
    public void Invalid_channel_is_declined()
    {
        using var h = Harness();
        h.Lease(h.Attach(1, 7, Role.Consumer));
        Assert.That(Hello(h, 7, "not a channel", 0).DescriptorStreamId, Is.Zero);
    }

    [Test]
    public void Hello_from_a_client_without_a_consumer_lease_is_not_answered()
    {
        using var h = Harness();
        h.Lease(h.Attach(1, 7, Role.Producer));
        byte[] buffer = new byte[256];
        var e = ConsumerHelloEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = DriverHarness.Stream;
        e.ConsumerId = 7;
        e.PutDescriptorChannel("tp:ipc".AsSpan());
        e.PutControlChannel(ReadOnlySpan<char>.Empty);
        h.Send(buffer.AsSpan(0, e.EncodedLength));
        e.ConsumerId = 99;
        h.Send(buffer.AsSpan(0, e.EncodedLength));
        h.Pump();
        Assert.That(h.OfType(900, ConsumerConfigDecoder.TemplateId), Is.Empty);
    }
}
