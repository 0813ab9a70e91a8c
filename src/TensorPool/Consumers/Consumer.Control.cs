using TensorPool.Control;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Consumers;

/// <summary>Consumer control (§10.1.2/§10.1.3), per-consumer streams (§5), RATE_LIMITED gating (§11) and FrameProgress (§10.2.2).</summary>
public sealed unsafe partial class Consumer
{
    private readonly IClock _clock;
    private readonly ProgressReader? _progressReader;
    private ISubscription? _progress;
    private StreamSwitch? _pendingSwitch;
    private uint _consumerId;
    private int _controlState;
    private string? _fallbackUri;
    private string? _failureReason;
    private long _rateLimited;
    private long _gateNextNs = long.MinValue;
    private long _gateLastNs = long.MinValue;

    /// <summary>The payload_fallback_uri of the last use_shm=0 ConsumerConfig, or null.</summary>
    public string? FallbackUri => Volatile.Read(ref _fallbackUri);

    /// <summary>Why the source cannot be read (state FAILED), or null.</summary>
    public string? FailureReason => Volatile.Read(ref _failureReason);

    /// <summary>The mode in force (asked for, or imposed by a ConsumerConfig).</summary>
    public Sbe.Wire.Mode Mode => Control?.Mode ?? Sbe.Wire.Mode.Stream;

    /// <summary>Whether descriptors come from a per-consumer stream the producer assigned (§5).</summary>
    public bool OnPerConsumerStream => Control?.OnPerConsumerDescriptorStream ?? false;

    /// <summary>The last ConsumerConfig refused, with the reason, or null.</summary>
    public string? LastConfigRejection => Control?.LastRejection;

    /// <summary>Control and progress counters (readable from any thread).</summary>
    public ConsumerControlCounters ControlCounters => new(
        Control?.HellosSent ?? 0, Control?.ConfigsReceived ?? 0, Control?.ConfigsRejected ?? 0, Control?.Collisions ?? 0,
        _progressReader?.Delivered ?? 0, _progressReader?.Regressed ?? 0, _progressReader?.OverLength ?? 0, _progressReader?.Layout ?? 0,
        _progressReader?.Stale ?? 0, _progressReader?.Malformed ?? 0);

    internal ConsumerControl? Control { get; set; }

    /// <summary>Conductor: the progress subscription on the shared control stream, opened at creation when progress is on.</summary>
    internal void SetProgressSubscription(ISubscription subscription) => _progress = subscription;

    internal void ChangeId(uint id) => Volatile.Write(ref _consumerId, id);

    internal void SetControlState(MappingState state, string? fallbackUri, string? failure)
    {
        Volatile.Write(ref _fallbackUri, fallbackUri);
        Volatile.Write(ref _failureReason, failure);
        Volatile.Write(ref _controlState, state is MappingState.Fallback or MappingState.Failed ? (int)state : 0);
    }

    /// <summary>Conductor: new subscriptions for the polling thread; a switch not yet taken is replaced and closed.</summary>
    internal void PostSwitch(StreamSwitch change)
    {
        if (IsDisposed)
        {
            change.Dispose();
            return;
        }
        Interlocked.Exchange(ref _pendingSwitch, change)?.Dispose();
    }

    private void TakeSwitch()
    {
        StreamSwitch? change = Interlocked.Exchange(ref _pendingSwitch, null);
        if (change is null)
        {
            return;
        }
        if (change.Descriptors is { } d)
        {
            _descriptors.Dispose();
            _descriptors = d;
        }
        if (change.Progress is { } p)
        {
            _progress?.Dispose();
            _progress = p;
        }
    }

    /// <summary>§11 local gate: true when this frame is skipped to keep under max_rate_hz.</summary>
    private bool RateGateSkips(long timestampNs, long intervalNs)
    {
        // A timestamp going backwards (another clock, a restarted producer) restarts the gate instead of starving it.
        if (timestampNs < _gateNextNs && timestampNs >= _gateLastNs)
        {
            _rateLimited++;
            return true;
        }
        _gateLastNs = timestampNs;
        _gateNextNs = timestampNs + intervalNs;
        return false;
    }

    private void OnProgressMessage(ReadOnlySpan<byte> message) => _progressReader?.OnMessage(message, _mapping);

    private readonly struct ProgressDispatcher(Consumer owner) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => owner.OnProgressMessage(message);
    }
}
