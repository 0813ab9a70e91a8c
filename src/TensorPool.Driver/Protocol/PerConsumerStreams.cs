using System.Text;
using TensorPool.Driver.Leases;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.Driver.Protocol;

/// <summary>
/// Per-consumer descriptor and control streams (driver spec §11, wire spec §5, §10.1.2, §10.1.3): a consumer that
/// holds a consumer lease on a stream asks in its ConsumerHello, the driver answers with ConsumerConfig.
/// </summary>
/// <remarks>
/// Per stream kind (descriptor, control), the request is read as:
/// <list type="bullet">
/// <item>empty channel, id 0: not requested;</item>
/// <item>channel, id 0: "driver, choose" — an id from the range (§11);</item>
/// <item>channel, id in the range and free: that id;</item>
/// <item>empty channel with a non-zero id (half-specified, wire §10.1.3), an id outside the range or taken, a channel
/// that is not a channel URI, an unset or exhausted range: declined with an empty channel and id 0 in ConsumerConfig,
/// and the consumer stays on the shared streams (§11, wire §10.1.3).</item>
/// </list>
/// An assignment lives as long as the lease and is repeated for repeated hellos; it is released when the lease ends.
/// </remarks>
internal sealed class PerConsumerStreams
{
    private readonly DriverContext _ctx;

    public PerConsumerStreams(DriverContext ctx) => _ctx = ctx;

    public void OnHello(in ConsumerHelloDecoder hello)
    {
        if (!_ctx.Leases.TryGetByClient(hello.ConsumerId, out Lease lease) || lease.Role != Role.Consumer ||
            lease.StreamId != hello.StreamId)
        {
            return; // not a consumer of ours: a producer or supervisor of a no-driver deployment may answer it
        }
        bool wantsDescriptor = hello.DescriptorChannel.Length > 0 || hello.DescriptorStreamId != 0;
        bool wantsControl = hello.ControlChannel.Length > 0 || hello.ControlStreamId != 0;
        if (!wantsDescriptor && !wantsControl)
        {
            return;
        }
        if (wantsDescriptor && lease.DescriptorStreamId == 0)
        {
            (lease.DescriptorStreamId, lease.DescriptorChannel) = Assign(_ctx.DescriptorStreamIds, hello.DescriptorChannel, hello.DescriptorStreamId);
        }
        if (wantsControl && lease.ControlStreamId == 0)
        {
            (lease.ControlStreamId, lease.ControlChannel) = Assign(_ctx.ControlStreamIds, hello.ControlChannel, hello.ControlStreamId);
        }
        Mode mode = hello.TryGetMode(out Mode m) ? m : Mode.Stream;
        _ctx.SendControl(_ctx.Messages.ConsumerConfig(lease.StreamId, lease.ClientId, mode,
            lease.DescriptorStreamId, lease.DescriptorChannel, lease.ControlStreamId, lease.ControlChannel));
        _ctx.Counters.ConsumerConfigsCount++;
    }

    private (uint Id, string Channel) Assign(IdRangeAllocator ids, ReadOnlySpan<byte> channelBytes, uint requested)
    {
        string channel = channelBytes.Length is > 0 and <= ChannelUri.MaxLength ? Encoding.Latin1.GetString(channelBytes) : "";
        bool ok = channel.Length > 0 && ChannelUri.TryParse(channel, out _, out _) &&
            (requested == 0 ? ids.TryAllocate(out requested) : ids.TryTake(requested));
        if (!ok)
        {
            _ctx.Counters.PerConsumerDeclinedCount++;
            return (0, "");
        }
        _ctx.StatusDirty = true;
        return (requested, channel);
    }
}
