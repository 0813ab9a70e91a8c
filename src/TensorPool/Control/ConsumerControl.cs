using System.Security.Cryptography;
using System.Text;
using TensorPool.Consumers;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.Control;

/// <summary>
/// The conductor's half of a consumer's control plane (wire spec §5, §10.1.2, §10.1.3, §11): sends ConsumerHello,
/// applies ConsumerConfig (per-consumer streams, mode, use_shm / FALLBACK), and detects consumer id collisions in
/// QosConsumer. Conductor thread only, except the volatile gates the polling thread reads.
/// </summary>
internal sealed class ConsumerControl
{
    private readonly Consumer _consumer;
    private readonly ITransport _transport;
    private readonly string _channel;
    private readonly int _sharedDescriptorStreamId;
    private readonly int _sharedControlStreamId;
    private readonly ConsumerOptions _options;
    private readonly byte[] _hello;
    private readonly byte[][] _sentQos = [new byte[QosConsumerEncoder.MinEncodedLength], new byte[QosConsumerEncoder.MinEncodedLength]];
    private int _helloLength;
    private int _sentQosNext;
    private bool _descriptorAssigned;
    private bool _controlAssigned;
    private Mode _mode;
    private long _rateIntervalNs;
    private long _hellosSent;
    private long _configs;
    private long _configsRejected;
    private long _collisions;
    private string? _lastRejection;

    public ConsumerControl(Consumer consumer, ITransport transport, string channel, int sharedDescriptorStreamId, int sharedControlStreamId,
        ConsumerOptions options)
    {
        _consumer = consumer;
        _transport = transport;
        _channel = channel;
        _sharedDescriptorStreamId = sharedDescriptorStreamId;
        _sharedControlStreamId = sharedControlStreamId;
        _options = options;
        _mode = options.Mode;
        _hello = new byte[ConsumerHelloEncoder.MinEncodedLength + options.DescriptorChannel.Length + options.ControlChannel.Length];
        EncodeHello();
        UpdateGates();
    }

    /// <summary>When the next hello is due (conductor clock); 0 = at once.</summary>
    public long NextHelloNs { get; set; }

    /// <summary>The mode in force: the one asked for, or the one a ConsumerConfig imposed (§10.1.3).</summary>
    public Mode Mode => _mode;

    /// <summary>
    /// Polling thread: the max_rate_hz interval of a RATE_LIMITED consumer, 0 when not rate-limited (§11). Who applies it
    /// depends on the descriptor stream the polling thread actually reads (<see cref="StreamSwitch.DescriptorsPerConsumer"/>):
    /// the producer on a per-consumer stream, the consumer itself on the shared one.
    /// </summary>
    public long RateIntervalNs => Volatile.Read(ref _rateIntervalNs);

    public bool OnPerConsumerDescriptorStream => _descriptorAssigned;

    public string? LastRejection => Volatile.Read(ref _lastRejection);

    public long HellosSent => Volatile.Read(ref _hellosSent);

    public long ConfigsReceived => Volatile.Read(ref _configs);

    public long ConfigsRejected => Volatile.Read(ref _configsRejected);

    public long Collisions => Volatile.Read(ref _collisions);

    public ReadOnlySpan<byte> Hello => _hello.AsSpan(0, _helloLength);

    public void NoteHelloSent() => _hellosSent++;

    /// <summary>Keep the last QosConsumer this consumer sent: a received one that differs is another consumer with our id.</summary>
    public void RememberQos(ReadOnlySpan<byte> sent)
    {
        if (sent.Length == _sentQos[0].Length)
        {
            sent.CopyTo(_sentQos[_sentQosNext]);
            _sentQosNext ^= 1;
        }
    }

    /// <summary>A QosConsumer received on the QoS stream; true when it revealed an id collision (a new id is then in force).</summary>
    public bool OnQosConsumer(ReadOnlySpan<byte> message, in QosConsumerDecoder qos)
    {
        if (qos.StreamId != _consumer.StreamId || qos.ConsumerId != _consumer.ConsumerId ||
            message.SequenceEqual(_sentQos[0]) || message.SequenceEqual(_sentQos[1]))
        {
            return false;
        }
        // §10.1.2: self-assigned ids are random; a collision seen in QoS is a reason to reconnect with a new id.
        _collisions++;
        uint id;
        do
        {
            id = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        }
        while (id == _consumer.ConsumerId);
        _consumer.ChangeId(id);
        ReturnToShared();
        EncodeHello();
        NextHelloNs = 0;
        return true;
    }

    /// <summary>A ConsumerConfig of this consumer's stream (§10.1.3).</summary>
    public void OnConfig(in ConsumerConfigDecoder config)
    {
        if (config.StreamId != _consumer.StreamId || config.ConsumerId != _consumer.ConsumerId)
        {
            return;
        }
        _configs++;
        if (!config.TryGetMode(out Mode mode))
        {
            Reject($"ConsumerConfig.mode {config.ModeRaw} is not STREAM(1) or RATE_LIMITED(2)");
            return;
        }
        if (!config.TryGetUseShm(out Bool useShm))
        {
            Reject($"ConsumerConfig.use_shm {config.UseShmRaw} is not FALSE(0) or TRUE(1)");
            return;
        }
        StreamRequest descriptor = StreamRequests.Classify(config.DescriptorChannel.Length, config.DescriptorStreamId);
        StreamRequest control = StreamRequests.Classify(config.ControlChannel.Length, config.ControlStreamId);
        if (descriptor == StreamRequest.HalfRequest || control == StreamRequest.HalfRequest)
        {
            Reject("ConsumerConfig assigns a per-consumer stream with only one of channel and stream id (§10.1.3)");
            return;
        }
        if (descriptor == StreamRequest.Requested && !Matches(config.DescriptorChannel, config.DescriptorStreamId, _options.DescriptorChannel, _options.DescriptorStreamId))
        {
            Reject("ConsumerConfig assigns a descriptor stream this consumer did not request");
            return;
        }
        if (control == StreamRequest.Requested && !Matches(config.ControlChannel, config.ControlStreamId, _options.ControlChannel, _options.ControlStreamId))
        {
            Reject("ConsumerConfig assigns a control stream this consumer did not request");
            return;
        }
        if (useShm == Bool.False)
        {
            string uri = config.GetPayloadFallbackUriString();
            if (uri.Length == 0)
            {
                _consumer.SetControlState(MappingState.Failed, null,
                    $"the producer of stream {_consumer.StreamId} said use_shm=0 and gave no payload_fallback_uri: this consumer cannot read the source (§10.1.3)");
            }
            else if (!IsSupportedFallback(uri))
            {
                _consumer.SetControlState(MappingState.Failed, uri,
                    $"payload_fallback_uri '{uri}' uses an undefined scheme (§10.1.3: treated as unsupported)");
            }
            else
            {
                _consumer.SetControlState(MappingState.Fallback, uri, null); // §15.12 FALLBACK
            }
        }
        else
        {
            _consumer.SetControlState(MappingState.Unmapped, null, null);
        }
        _mode = mode; // §10.1.3: the authority may impose RATE_LIMITED
        ISubscription? newDescriptors = null;
        ISubscription? newProgress = null;
        if (descriptor == StreamRequest.Requested && !_descriptorAssigned)
        {
            newDescriptors = _transport.AddSubscription(Encoding.ASCII.GetString(config.DescriptorChannel), (int)config.DescriptorStreamId);
            _descriptorAssigned = true;
        }
        else if (descriptor == StreamRequest.Absent && _descriptorAssigned)
        {
            newDescriptors = _transport.AddSubscription(_channel, _sharedDescriptorStreamId); // declined now: back to shared
            _descriptorAssigned = false;
        }
        if (_options.ProgressHandler is not null)
        {
            if (control == StreamRequest.Requested && !_controlAssigned)
            {
                newProgress = _transport.AddSubscription(Encoding.ASCII.GetString(config.ControlChannel), (int)config.ControlStreamId);
                _controlAssigned = true;
            }
            else if (control == StreamRequest.Absent && _controlAssigned)
            {
                newProgress = _transport.AddSubscription(_channel, _sharedControlStreamId);
                _controlAssigned = false;
            }
        }
        if (newDescriptors is not null || newProgress is not null)
        {
            _consumer.PostSwitch(new StreamSwitch(newDescriptors, newProgress, _descriptorAssigned));
        }
        UpdateGates();
    }

    private void ReturnToShared()
    {
        ISubscription? d = _descriptorAssigned ? _transport.AddSubscription(_channel, _sharedDescriptorStreamId) : null;
        ISubscription? p = _controlAssigned ? _transport.AddSubscription(_channel, _sharedControlStreamId) : null;
        _descriptorAssigned = false;
        _controlAssigned = false;
        if (d is not null || p is not null)
        {
            _consumer.PostSwitch(new StreamSwitch(d, p, false));
        }
        UpdateGates();
    }

    /// <summary>
    /// §11: a RATE_LIMITED consumer on its own per-consumer stream is capped by the producer; on the shared stream it
    /// gates locally. Which of the two holds is decided by the polling thread when it takes the switch, not here: the
    /// conductor assigns a stream while the polling thread may still be reading the shared one, ungated otherwise.
    /// </summary>
    private void UpdateGates()
    {
        bool limited = _mode == Mode.RateLimited && _options.MaxRateHz != 0;
        Volatile.Write(ref _rateIntervalNs, limited ? 1_000_000_000L / _options.MaxRateHz : 0);
    }

    private void EncodeHello()
    {
        var h = ConsumerHelloEncoder.WrapAndApplyHeader(_hello);
        h.StreamId = _consumer.StreamId;
        h.ConsumerId = _consumer.ConsumerId;
        h.SupportsShm = Bool.True;
        h.SupportsProgress = _options.ProgressHandler is null ? Bool.False : Bool.True;
        h.Mode = _options.Mode;
        h.MaxRateHz = _options.MaxRateHz;
        h.ExpectedLayoutVersion = Native.Internal.TpSuperblockConstants.LayoutVersion;
        h.ProgressIntervalUs = _options.ProgressIntervalUs;
        h.ProgressBytesDelta = _options.ProgressBytesDelta;
        h.ProgressMajorDeltaUnits = _options.ProgressMajorDeltaUnits;
        h.DescriptorStreamId = _options.DescriptorStreamId;
        h.ControlStreamId = _options.ProgressHandler is null ? 0 : _options.ControlStreamId;
        h.PutDescriptorChannel(_options.DescriptorChannel.AsSpan());
        h.PutControlChannel(_options.ProgressHandler is null ? [] : _options.ControlChannel.AsSpan());
        _helloLength = h.EncodedLength;
    }

    /// <summary>Whether an assignment is the stream this consumer asked for; compared in place (a config comes with every hello).</summary>
    private static bool Matches(ReadOnlySpan<byte> channel, uint streamId, string requested, uint requestedId) =>
        streamId == requestedId && Ascii.Equals(channel, requested);

    /// <summary>§10.1.3: Aeron channel syntax or bridge://; undefined schemes are unsupported.</summary>
    private static bool IsSupportedFallback(string uri) =>
        uri.StartsWith("bridge://", StringComparison.Ordinal) && uri.Length > "bridge://".Length ||
        uri.StartsWith("aeron:", StringComparison.Ordinal) && ChannelUri.TryParse(uri, out _, out _);

    private void Reject(string why)
    {
        _configsRejected++;
        Volatile.Write(ref _lastRejection, why);
    }
}
