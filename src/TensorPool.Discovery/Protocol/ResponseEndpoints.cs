using System.Text;
using TensorPool.Discovery.Configuration;
using TensorPool.Interop;
using TensorPool.Transport;

namespace TensorPool.Discovery.Protocol;

/// <summary>
/// The publications responses go out on (§4.3: the endpoint each request names), kept open for the next request:
/// at most <see cref="DiscoveryProviderOptions.MaxResponseEndpoints"/> (the least recently used is closed first) and at
/// most <see cref="DiscoveryProviderOptions.NewResponseEndpointsPerSecond"/> opened per second, so hostile requests
/// naming endless endpoints can neither exhaust memory nor create files without bound. Endpoints are hostile input:
/// the transport's refusal (not a channel, an unknown scheme, an unusable log) is counted, never thrown.
/// </summary>
internal sealed class ResponseEndpoints : IDisposable
{
    private readonly ITransport _transport;
    private readonly DiscoveryProviderCounters _counters;
    private readonly List<Endpoint> _open;
    private readonly int _max;
    private readonly double _ratePerNs;
    private readonly double _burst;
    private double _tokens;
    private long _lastRefillNs;
    private bool _started;

    public ResponseEndpoints(ITransport transport, DiscoveryProviderOptions options, DiscoveryProviderCounters counters)
    {
        _transport = transport;
        _counters = counters;
        _max = options.MaxResponseEndpoints;
        _open = new List<Endpoint>(_max);
        _burst = options.NewResponseEndpointsPerSecond;
        _ratePerNs = options.NewResponseEndpointsPerSecond / 1e9;
        _tokens = _burst;
    }

    public int Count => _open.Count;

    /// <summary>The publication of (<paramref name="channel"/>, <paramref name="streamId"/>), opened if needed; null when refused or throttled.</summary>
    public IPublication? Get(ReadOnlySpan<byte> channel, uint streamId, long nowNs)
    {
        for (int i = 0; i < _open.Count; i++)
        {
            Endpoint e = _open[i];
            if (e.StreamId == streamId && channel.SequenceEqual(e.Channel))
            {
                e.LastUsedNs = nowNs;
                return e.Publication;
            }
        }
        if (!IsChannelText(channel))
        {
            _counters.EndpointRefusedCount++;
            return null;
        }
        Refill(nowNs);
        if (_tokens < 1)
        {
            _counters.EndpointThrottledCount++;
            return null;
        }
        _tokens -= 1;
        IPublication publication;
        try
        {
            publication = _transport.AddPublication(Encoding.ASCII.GetString(channel), unchecked((int)streamId));
        }
        catch (Exception ex) when (ex is ArgumentException or TensorPoolException or IOException or UnauthorizedAccessException)
        {
            _counters.EndpointRefusedCount++;
            return null;
        }
        if (_open.Count == _max)
        {
            int lru = 0;
            for (int i = 1; i < _open.Count; i++)
            {
                if (_open[i].LastUsedNs < _open[lru].LastUsedNs)
                {
                    lru = i;
                }
            }
            _open[lru].Publication.Dispose();
            _open.RemoveAt(lru);
        }
        _open.Add(new Endpoint(channel.ToArray(), streamId, publication) { LastUsedNs = nowNs });
        return publication;
    }

    public void Dispose()
    {
        foreach (Endpoint e in _open)
        {
            e.Publication.Dispose();
        }
        _open.Clear();
    }

    private void Refill(long nowNs)
    {
        if (!_started)
        {
            _started = true;
            _lastRefillNs = nowNs;
            return;
        }
        long elapsed = nowNs - _lastRefillNs;
        if (elapsed > 0)
        {
            _tokens = Math.Min(_burst, _tokens + elapsed * _ratePerNs);
            _lastRefillNs = nowNs;
        }
    }

    /// <summary>Printable ASCII, no longer than a channel URI may be (the transport checks the rest).</summary>
    private static bool IsChannelText(ReadOnlySpan<byte> channel)
    {
        if (channel.Length > ChannelUri.MaxLength)
        {
            return false;
        }
        foreach (byte b in channel)
        {
            if (b is < 0x21 or > 0x7e)
            {
                return false;
            }
        }
        return true;
    }

    private sealed class Endpoint(byte[] channel, uint streamId, IPublication publication)
    {
        public byte[] Channel { get; } = channel;

        public uint StreamId { get; } = streamId;

        public IPublication Publication { get; } = publication;

        public long LastUsedNs { get; set; }
    }
}
