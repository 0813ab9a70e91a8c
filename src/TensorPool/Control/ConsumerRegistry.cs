using System.Text;
using TensorPool.Control.Internal;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.Control;

/// <summary>
/// A producer's view of its consumers (wire spec §5, §10.1.2, §10.1.3): tracks each by ConsumerHello and QosConsumer,
/// validates per-consumer stream requests, opens the per-consumer descriptor and control publications it accepts, closes
/// them when the consumer goes stale, and answers every hello with a ConsumerConfig (plus a ControlResponse when it
/// declines something, §15.17). Conductor thread only. Allocation happens only when the set of consumers or what they
/// ask for changes, and for the diagnostics of what is declined: the periodic hello of an unchanged consumer allocates
/// nothing (its channels are compared as bytes).
/// </summary>
internal sealed class ConsumerRegistry
{
    /// <summary>The most per-consumer publications (descriptor + control) one producer opens: beyond, requests are REJECTED.</summary>
    public const int DefaultMaxPerConsumerStreams = 64;

    private readonly Dictionary<uint, TrackedConsumer> _consumers = [];
    private readonly IRegistryOwner _owner;
    private readonly ITransport _transport;
    private readonly RegistrySettings _settings;
    private readonly byte[] _config = new byte[ConsumerConfigEncoder.MinEncodedLength + (3 * (ChannelUri.MaxLength + 4))];
    private readonly byte[] _response = new byte[ControlResponseEncoder.MinEncodedLength + 512];
    private readonly StringBuilder _why = new();
    private readonly List<IDisposable> _retiredScratch = [];
    private ResponseCode _whyCode;
    private int _configLength;
    private int _responseLength;
    private long _hellos;
    private long _rejected;
    private long _declined;
    private long _configsSent;
    private long _timedOut;
    private int _tracked;
    private int _open;

    public ConsumerRegistry(IRegistryOwner owner, ITransport transport, RegistrySettings settings)
    {
        _owner = owner;
        _transport = transport;
        _settings = settings;
    }

    public long Hellos => Volatile.Read(ref _hellos);

    public long Rejected => Volatile.Read(ref _rejected);

    public long Declined => Volatile.Read(ref _declined);

    public long ConfigsSent => Volatile.Read(ref _configsSent);

    public long TimedOut => Volatile.Read(ref _timedOut);

    public int Tracked => Volatile.Read(ref _tracked);

    public int OpenStreams => Volatile.Read(ref _open);

    /// <summary>The ConsumerConfig of the last hello (empty when none is due).</summary>
    public ReadOnlySpan<byte> Config => _config.AsSpan(0, _configLength);

    /// <summary>The ControlResponse of the last hello (empty when nothing was declined or rejected).</summary>
    public ReadOnlySpan<byte> Response => _response.AsSpan(0, _responseLength);

    public void NoteConfigSent() => _configsSent++;

    /// <summary>A ConsumerHello of this producer's stream; afterwards <see cref="Config"/> and <see cref="Response"/> hold the replies.</summary>
    public void OnHello(in ConsumerHelloDecoder hello, long nowNs)
    {
        _configLength = 0;
        _responseLength = 0;
        _hellos++;
        uint id = hello.ConsumerId;
        if (!hello.TryGetMode(out Mode mode))
        {
            Reject(id, ResponseCode.InvalidParams, $"ConsumerHello.mode {hello.ModeRaw} is not STREAM(1) or RATE_LIMITED(2) (§10.1.2)");
            return;
        }
        if (!hello.TryGetSupportsShm(out Bool supportsShm) || !hello.TryGetSupportsProgress(out Bool supportsProgress))
        {
            Reject(id, ResponseCode.InvalidParams, "ConsumerHello.supports_shm/supports_progress must be FALSE(0) or TRUE(1)");
            return;
        }
        if (hello.ExpectedLayoutVersion != _settings.LayoutVersion)
        {
            Reject(id, ResponseCode.InvalidParams,
                $"ConsumerHello.expected_layout_version {hello.ExpectedLayoutVersion} is not this producer's layout_version {_settings.LayoutVersion} (§15.1)");
            return;
        }
        bool isNew = false;
        if (!_consumers.TryGetValue(id, out TrackedConsumer? c))
        {
            isNew = true;
            c = new TrackedConsumer(id);
            _consumers.Add(id, c);
            _tracked = _consumers.Count;
        }
        c.LastSeenNs = nowNs;
        var before = (c.Mode, c.MaxRateHz, c.SupportsProgress, c.ProgressIntervalUs, c.ProgressBytesDelta, c.ProgressMajorDeltaUnits, c.Descriptor, c.ControlRequest.Publication);
        c.Mode = mode;
        c.MaxRateHz = hello.MaxRateHz;
        c.SupportsProgress = supportsProgress == Bool.True;
        c.ProgressIntervalUs = hello.ProgressIntervalUs;
        c.ProgressBytesDelta = hello.ProgressBytesDelta;
        c.ProgressMajorDeltaUnits = hello.ProgressMajorDeltaUnits;
        _why.Clear();
        _retiredScratch.Clear();
        UpdateRequest(c, c.DescriptorRequest, hello.DescriptorChannel, hello.DescriptorStreamId, _retiredScratch);
        UpdateRequest(c, c.ControlRequest, hello.ControlChannel, hello.ControlStreamId, _retiredScratch);
        UpdateDescriptorGate(c);
        var after = (c.Mode, c.MaxRateHz, c.SupportsProgress, c.ProgressIntervalUs, c.ProgressBytesDelta, c.ProgressMajorDeltaUnits, c.Descriptor, c.ControlRequest.Publication);
        if (isNew || before != after || _retiredScratch.Count > 0)
        {
            Publish(_retiredScratch); // the periodic hello of an unchanged consumer allocates nothing
        }

        bool useShm = supportsShm == Bool.True;
        var config = ConsumerConfigEncoder.WrapAndApplyHeader(_config);
        config.StreamId = _settings.StreamId;
        config.ConsumerId = id;
        config.UseShm = useShm ? Bool.True : Bool.False;
        config.Mode = mode;
        // §10.1.3: declined = empty channel and stream id 0 (what a closed request holds).
        config.DescriptorStreamId = c.DescriptorRequest.StreamId;
        config.ControlStreamId = c.ControlRequest.StreamId;
        config.PutPayloadFallbackUri(useShm ? "" : _settings.PayloadFallbackUri);
        config.PutDescriptorChannel(c.DescriptorRequest.Channel);
        config.PutControlChannel(c.ControlRequest.Channel);
        _configLength = config.EncodedLength;
        if (_why.Length > 0)
        {
            WriteResponse(id, _whyCode, _why.ToString());
        }
    }

    /// <summary>A QosConsumer of this producer's stream: liveness (§5: hello or QoS).</summary>
    public void OnQosConsumer(uint consumerId, long nowNs)
    {
        if (_consumers.TryGetValue(consumerId, out TrackedConsumer? c))
        {
            c.LastSeenNs = nowNs;
        }
    }

    /// <summary>Drop consumers silent for longer than the stale timeout and close their publications (§5, §10.1.3).</summary>
    public void Sweep(long nowNs)
    {
        List<IDisposable>? retired = null;
        foreach (TrackedConsumer c in _consumers.Values)
        {
            if (nowNs - c.LastSeenNs > _settings.StaleTimeoutNs)
            {
                retired ??= [];
                CloseRequests(c, retired);
                _consumers.Remove(c.ConsumerId);
                _timedOut++;
            }
        }
        if (retired is not null)
        {
            _tracked = _consumers.Count;
            Publish(retired);
        }
    }

    /// <summary>Close everything (the producer is going away).</summary>
    public void CloseAll()
    {
        var retired = new List<IDisposable>();
        foreach (TrackedConsumer c in _consumers.Values)
        {
            CloseRequests(c, retired);
        }
        _consumers.Clear();
        _tracked = 0;
        Publish(retired);
    }

    /// <summary>Whether a consumer is tracked (tests, tools).</summary>
    public bool IsTracked(uint consumerId) => _consumers.ContainsKey(consumerId);

    /// <summary>
    /// The lifecycle of a per-consumer stream request, the same for the descriptor and the control stream (§10.1.2,
    /// §10.1.3): none asked for closes what was open; half a request is declined (and closes); the request already served
    /// keeps its publication; another request closes the old publication and opens the new one if it passes the checks.
    /// </summary>
    private void UpdateRequest(TrackedConsumer c, PerConsumerRequest request, ReadOnlySpan<byte> channelBytes, uint streamId, List<IDisposable> retired)
    {
        switch (StreamRequests.Classify(channelBytes.Length, streamId))
        {
            case StreamRequest.Absent:
                Close(request, retired);
                return;
            case StreamRequest.HalfRequest:
                Close(request, retired);
                Decline(ResponseCode.InvalidParams, channelBytes.Length > 0
                    ? $"{request.Field}_channel given with {request.Field}_stream_id 0 (§10.1.2): request rejected"
                    : $"{request.Field}_stream_id given with an empty {request.Field}_channel (§10.1.2): request rejected");
                return;
        }
        if (request.IsOpenFor(channelBytes, streamId))
        {
            return; // the periodic hello: nothing to do, nothing allocated
        }
        Close(request, retired);
        string channel = Encoding.ASCII.GetString(channelBytes);
        if (TryOpen(c, channel, streamId) is { } publication)
        {
            request.Open(channel, channelBytes, streamId, publication);
        }
    }

    /// <summary>The producer's thread offers descriptors through a rate gate of the consumer's max_rate_hz (§5, §11).</summary>
    private static void UpdateDescriptorGate(TrackedConsumer c)
    {
        uint maxRate = c.Mode == Mode.RateLimited ? c.MaxRateHz : 0; // §11: authoritative only in RATE_LIMITED
        IPublication? publication = c.DescriptorRequest.Publication;
        if (publication is null)
        {
            c.Descriptor = null;
        }
        else if (c.Descriptor is not { } current || current.Publication != publication || current.MaxRateHz != maxRate)
        {
            c.Descriptor = new PerConsumerStream(c.ConsumerId, publication, maxRate);
        }
    }

    /// <summary>The checks every requested stream passes before a publication is opened (§5: producers MUST validate).</summary>
    private IPublication? TryOpen(TrackedConsumer requester, string channel, uint streamId)
    {
        if (streamId > int.MaxValue)
        {
            Decline(ResponseCode.InvalidParams, $"stream id {streamId} is out of range");
            return null;
        }
        if (channel == _settings.Channel && _settings.SharedStreamIds.Contains((int)streamId))
        {
            Decline(ResponseCode.InvalidParams, $"stream {streamId} on {channel} is a shared stream; a per-consumer stream must be distinct");
            return null;
        }
        foreach (TrackedConsumer other in _consumers.Values)
        {
            if (other.DescriptorRequest.Uses(channel, streamId) || other.ControlRequest.Uses(channel, streamId))
            {
                Decline(ResponseCode.Rejected, other == requester
                    ? $"stream {streamId} on {channel} is already this consumer's other per-consumer stream"
                    : $"stream {streamId} on {channel} is already assigned to consumer {other.ConsumerId}");
                return null;
            }
        }
        if (_open >= _settings.MaxPerConsumerStreams)
        {
            Decline(ResponseCode.Rejected, $"this producer already serves {_open} per-consumer streams (limit {_settings.MaxPerConsumerStreams})");
            return null;
        }
        if (!ChannelUri.TryParse(channel, out _, out string? error))
        {
            Decline(ResponseCode.InvalidParams, $"channel '{channel}': {error}");
            return null;
        }
        try
        {
            IPublication publication = _transport.AddPublication(channel, (int)streamId);
            _open++;
            return publication;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or IOException
            or TensorPoolException or UnauthorizedAccessException)
        {
            Decline(ResponseCode.InvalidParams, $"channel '{channel}' stream {streamId} cannot be opened: {e.Message}");
            return null;
        }
    }

    private void CloseRequests(TrackedConsumer c, List<IDisposable> retired)
    {
        Close(c.DescriptorRequest, retired);
        Close(c.ControlRequest, retired);
        c.Descriptor = null;
    }

    private void Close(PerConsumerRequest request, List<IDisposable> retired)
    {
        if (request.Close() is { } publication)
        {
            retired.Add(publication);
            _open--;
        }
    }

    /// <summary>Rebuild the fan-out the producer's thread reads, then hand the closed publications over for disposal.</summary>
    private void Publish(List<IDisposable> retired)
    {
        var descriptors = new List<PerConsumerStream>();
        var controls = new List<IPublication>();
        bool shared = false;
        long interval = long.MaxValue;
        uint bytes = uint.MaxValue;
        uint major = uint.MaxValue;
        foreach (TrackedConsumer c in _consumers.Values)
        {
            if (c.Descriptor is not null)
            {
                descriptors.Add(c.Descriptor);
            }
            if (!c.SupportsProgress)
            {
                continue;
            }
            if (c.ControlRequest.Publication is { } control)
            {
                controls.Add(control);
            }
            else
            {
                shared = true;
            }
            // §10.2.2: the most aggressive common policy: the smallest hints offered ...
            if (c.ProgressIntervalUs is uint us)
            {
                interval = Math.Min(interval, us * 1000L);
            }
            if (c.ProgressBytesDelta is uint b)
            {
                bytes = Math.Min(bytes, b);
            }
            if (c.ProgressMajorDeltaUnits is uint m)
            {
                major = Math.Min(major, m);
            }
        }
        // ... but not below the producer's floors; without hints, the producer's defaults (= its floors).
        long intervalNs = interval == long.MaxValue ? _settings.ProgressIntervalFloorNs : Math.Max(interval, _settings.ProgressIntervalFloorNs);
        uint bytesDelta = bytes == uint.MaxValue ? _settings.ProgressBytesDeltaFloor : Math.Max(bytes, _settings.ProgressBytesDeltaFloor);
        _owner.SetFanout(descriptors.Count == 0 && controls.Count == 0 && !shared
            ? ConsumerFanout.Empty
            : new ConsumerFanout([.. descriptors], [.. controls], shared, intervalNs, bytesDelta, major == uint.MaxValue ? 0 : major));
        if (retired.Count > 0)
        {
            _owner.Retire([.. retired]);
        }
    }

    private void Decline(ResponseCode code, string why)
    {
        _declined++;
        if (_why.Length > 0)
        {
            _why.Append("; ");
        }
        else
        {
            _whyCode = code;
        }
        _why.Append(why);
    }

    private void Reject(uint consumerId, ResponseCode code, string why)
    {
        _rejected++;
        WriteResponse(consumerId, code, why);
    }

    /// <summary>ControlResponse (§15.17); correlation_id carries the consumer id (a hello has no correlation id of its own).</summary>
    private void WriteResponse(uint consumerId, ResponseCode code, string why)
    {
        var r = ControlResponseEncoder.WrapAndApplyHeader(_response);
        r.CorrelationId = consumerId;
        r.Code = code;
        int max = _response.Length - ControlResponseEncoder.MinEncodedLength;
        // varAscii on the wire: the spec's section sign becomes "s.", anything else non-ASCII '?'.
        string ascii = string.Concat(why.Replace("§", "s.", StringComparison.Ordinal).Select(ch => char.IsAscii(ch) ? ch : '?'));
        r.PutErrorMessage(ascii.Length > max ? ascii.AsSpan(0, max) : ascii.AsSpan());
        _responseLength = r.EncodedLength;
    }
}
