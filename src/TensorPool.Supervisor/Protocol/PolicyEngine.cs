using TensorPool.Sbe.Wire;
using TensorPool.Supervisor.Configuration;

namespace TensorPool.Supervisor.Protocol;

/// <summary>
/// Decides each consumer's ConsumerConfig: the reference's force_* and per_consumer_* rules, then the first matching
/// <see cref="ConsumerPolicy"/> on top (wire spec §10.1.3, §10.5, §11).
/// </summary>
internal sealed class PolicyEngine(SupervisorOptions options)
{
    public ConsumerDecision Decide(SupervisedConsumer c, string? streamName)
    {
        bool useShm = c.SupportsShm && !options.ForceNoShm;
        Mode mode = options.ForcedMode ?? c.Mode;
        string fallback = options.PayloadFallbackUri;
        uint cap = 0;
        string policyName = "";
        ConsumerPolicy? policy = null;
        foreach (ConsumerPolicy p in options.Policies)
        {
            if (p.Matches(c.StreamId, streamName, c.Mode, c.ConsumerId))
            {
                policy = p;
                break;
            }
        }
        if (policy is not null)
        {
            policyName = policy.Name;
            mode = policy.Mode ?? mode;
            useShm = policy.UseShm ?? useShm;
            fallback = policy.PayloadFallbackUri ?? fallback;
            cap = policy.MaxRateHz;
        }
        if (cap == 0 && mode == Mode.RateLimited)
        {
            cap = c.MaxRateHz; // §10.1.2: max_rate_hz is authoritative in RATE_LIMITED mode
        }
        var decision = new ConsumerDecision { UseShm = useShm, Mode = mode, PayloadFallbackUri = useShm ? "" : fallback, Policy = policyName };
        // §10.1.3: per-consumer streams are assigned when requested; a policy's rate cap needs one to be applied on.
        bool assign = options.PerConsumerEnabled || (policy?.MaxRateHz ?? 0) > 0;
        if (assign && c.DescriptorChannel.Length > 0 && c.DescriptorStreamId != 0)
        {
            string channel = options.PerConsumerDescriptorChannel.Length > 0 ? options.PerConsumerDescriptorChannel : c.DescriptorChannel;
            uint id = Assign(options.PerConsumerDescriptorBase, options.PerConsumerDescriptorRange, c.ConsumerId, c.DescriptorStreamId);
            bool relay = id != c.DescriptorStreamId || channel != c.DescriptorChannel;
            decision = decision with { DescriptorChannel = channel, DescriptorStreamId = id, RelayDescriptors = relay, RateCapHz = relay ? cap : 0 };
        }
        if (options.PerConsumerEnabled && c.ControlChannel.Length > 0 && c.ControlStreamId != 0)
        {
            string channel = options.PerConsumerControlChannel.Length > 0 ? options.PerConsumerControlChannel : c.ControlChannel;
            uint id = Assign(options.PerConsumerControlBase, options.PerConsumerControlRange, c.ConsumerId, c.ControlStreamId);
            decision = decision with { ControlChannel = channel, ControlStreamId = id, RelayProgress = id != c.ControlStreamId || channel != c.ControlChannel };
        }
        return decision;
    }

    /// <summary>The reference's rule: base + consumer_id % range, or the consumer's own id when no base is set.</summary>
    private static uint Assign(uint @base, uint range, uint consumerId, uint requested) =>
        @base == 0 || range == 0 ? requested : @base + (consumerId % range);
}
