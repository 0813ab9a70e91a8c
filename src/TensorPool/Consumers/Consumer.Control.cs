using TensorPool.Control;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Consumers;

/// <summary>Consumer control (§10.1.2/§10.1.3), per-consumer streams (§5) and FrameProgress (§10.2.2).</summary>
public sealed unsafe partial class Consumer
{
    private readonly IClock _clock;
    private readonly ProgressReader? _progressReader;
    private ISubscription? _progress;
    private StreamSwitch? _pendingSwitch;
    private bool _pollingPerConsumerDescriptors; // polling thread: the descriptor subscription it reads is per-consumer
    private uint _consumerId;
    private int _controlState;
    private string? _fallbackUri;
    private string? _failureReason;

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
    public ConsumerControlCounters ControlCounters
    {
        get
        {
            ConsumerControl? control = Control;
            ProgressReader? progress = _progressReader;
            return new ConsumerControlCounters
            {
                HellosSent = control?.HellosSent ?? 0,
                ConfigsReceived = control?.ConfigsReceived ?? 0,
                ConfigsRejected = control?.ConfigsRejected ?? 0,
                IdCollisions = control?.Collisions ?? 0,
                ProgressDelivered = progress?.Delivered ?? 0,
                ProgressRegressed = progress?.Regressed ?? 0,
                ProgressOverLength = progress?.OverLength ?? 0,
                ProgressLayout = progress?.Layout ?? 0,
                ProgressStale = progress?.Stale ?? 0,
                ProgressMalformed = progress?.Malformed ?? 0,
            };
        }
    }

    internal ConsumerControl? Control { get; set; }

    /// <summary>Conductor: the progress subscription on the shared control stream, opened at creation when progress is on.</summary>
    internal void SetProgressSubscription(ISubscription subscription)
    {
        _progress = subscription;
        _waitSet.Add(subscription);
    }

    internal void ChangeId(uint id) => Volatile.Write(ref _consumerId, id);

    internal void SetControlState(MappingState state, string? fallbackUri, string? failure)
    {
        Volatile.Write(ref _fallbackUri, fallbackUri);
        Volatile.Write(ref _failureReason, failure);
        Volatile.Write(ref _controlState, state is MappingState.Fallback or MappingState.Failed ? (int)state : 0);
    }

    /// <summary>Conductor: new subscriptions for the polling thread; a switch not yet taken is replaced and closed.</summary>
    /// <remarks>
    /// May race <see cref="Dispose"/> (the conductor's cycle can still hold this consumer when another thread disposes
    /// it). Both sides use interlocked operations: either the release of the poll resources finds the switch, or this
    /// method sees the disposal after posting it and takes it back; the exchange gives the switch to exactly one of them.
    /// </remarks>
    internal void PostSwitch(StreamSwitch change)
    {
        Interlocked.Exchange(ref _pendingSwitch, change)?.Dispose();
        if (IsDisposed)
        {
            Interlocked.Exchange(ref _pendingSwitch, null)?.Dispose();
        }
        // The polling thread may sleep on the old streams, where nothing more comes: it takes the switch at its next poll.
        _waitSet.Wake();
    }

    /// <summary>Polling thread, at the start of a poll: install the subscriptions the conductor posted.</summary>
    private void TakeSwitch()
    {
        StreamSwitch? change = Interlocked.Exchange(ref _pendingSwitch, null);
        if (change is null)
        {
            return;
        }
        if (change.Descriptors is { } d)
        {
            ISubscription old = Interlocked.Exchange(ref _descriptors, d);
            _waitSet.Replace(old, d);
            old.Dispose();
            _pollingPerConsumerDescriptors = change.DescriptorsPerConsumer; // the rate gate follows the stream read (§11)
        }
        if (change.Progress is { } p)
        {
            ISubscription? old = Interlocked.Exchange(ref _progress, p);
            _waitSet.Replace(old, p);
            old?.Dispose();
        }
        if (IsDisposed)
        {
            // Dispose ran while the new subscriptions went in and may have closed the old ones: close these so the poll
            // ends now (the exchanges above are full fences, so Dispose saw them or this sees the disposal).
            change.Dispose();
        }
    }

    private void OnProgressMessage(ReadOnlySpan<byte> message) => _progressReader?.OnMessage(message, _mapping);

    private readonly struct ProgressDispatcher(Consumer owner) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => owner.OnProgressMessage(message);
    }
}
