using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using TensorPool.Transport;

namespace TensorPool.Discovery;

/// <summary>
/// A client's discovery requests (discovery spec §5, §7), split as Aeron splits a client: <see cref="DiscoveryProxy"/>
/// encodes and sends, <see cref="DiscoveryAdapter"/> receives and decodes on the conductor's duty cycle, and this class
/// owns the pending requests. Request ids count up from a random seed (no collision with a previous run's late
/// responses); the endpoints open at the first request (the response subscription before the request is sent).
/// </summary>
internal sealed class DiscoveryClient : IDisposable
{
    private readonly ITransport _transport;
    private readonly DiscoveryEndpoints _endpoints;
    private readonly TimeSpan _timeout;
    private readonly uint _clientId;
    private readonly ConcurrentDictionary<ulong, PendingDiscovery> _pending = new();
    private readonly DiscoveryClientCounters _counters = new();
    private readonly Lock _gate = new();
    private DiscoveryProxy? _proxy;
    private volatile DiscoveryAdapter? _adapter;
    private long _nextRequestId;
    private bool _disposed;

    public DiscoveryClient(ITransport transport, DiscoveryEndpoints endpoints, DiscoveryOptions options)
    {
        _transport = transport;
        _endpoints = endpoints;
        _timeout = options.Timeout;
        _clientId = options.ClientId != 0 ? options.ClientId : (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        _nextRequestId = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;
    }

    public DiscoveryClientCounters Counters => _counters;

    /// <summary>
    /// The conductor's wait set: the response subscription joins it when it opens, so a response wakes a sleeping
    /// conductor at once instead of at its next timer (docs/DECISIONS.md D188).
    /// </summary>
    public SubscriptionWaitSet? WaitSet { get; set; }

    public DiscoveryEndpoints Endpoints => _endpoints;

    public uint ClientId => _clientId;

    /// <summary>Conductor thread: read responses while requests are pending.</summary>
    public int DoWork() => !_pending.IsEmpty && _adapter is { } adapter ? adapter.Poll() : 0;

    public async Task<DiscoveryResult> DiscoverAsync(DiscoveryQuery query, CancellationToken cancellationToken)
    {
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        DiscoveryProxy proxy = Open();
        TimeSpan timeout = query.Timeout ?? _timeout;
        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        var pending = new PendingDiscovery();
        _pending[requestId] = pending;
        try
        {
            long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            while (!proxy.Send(requestId, query))
            {
                // Back pressure on the request endpoint: try again until the deadline. Nothing signals that a publication
                // can take a message again, so this one path retries each millisecond (D188); it is not the response wait.
                if (Environment.TickCount64 >= deadline)
                {
                    throw Timeout(timeout, requestId, "the request could not be sent");
                }
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _counters.RequestsCount);
            TimeSpan left = TimeSpan.FromMilliseconds(Math.Max(1, deadline - Environment.TickCount64));
            try
            {
                return await pending.Completion.Task.WaitAsync(left, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw Timeout(timeout, requestId, "no response came");
            }
        }
        finally
        {
            _pending.TryRemove(requestId, out _);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _proxy?.Dispose();
            _adapter?.Dispose();
            _adapter = null;
        }
        foreach (PendingDiscovery p in _pending.Values)
        {
            p.Completion.TrySetException(new ObjectDisposedException(nameof(Client.TensorPoolClient)));
        }
    }

    private PendingDiscovery? Take(ulong requestId) => _pending.TryRemove(requestId, out PendingDiscovery? p) ? p : null;

    private DiscoveryProxy Open()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_proxy is not null)
            {
                return _proxy;
            }
            // Subscribe before the first request goes out: its response is then seen (tp:ipc joins at the live tail).
            ISubscription responses = _transport.AddSubscription(_endpoints.ResponseChannel, _endpoints.ResponseStreamId);
            try
            {
                IPublication requests = _transport.AddPublication(_endpoints.RequestChannel, _endpoints.RequestStreamId);
                _proxy = new DiscoveryProxy(requests, _endpoints.ResponseChannel, _endpoints.ResponseStreamId, _clientId);
            }
            catch
            {
                responses.Dispose();
                throw;
            }
            _adapter = new DiscoveryAdapter(responses, _counters, Take);
            WaitSet?.Add(responses); // wakes the conductor to take it in
            return _proxy;
        }
    }

    private TimeoutException Timeout(TimeSpan timeout, ulong requestId, string what)
    {
        Interlocked.Increment(ref _counters.TimeoutsCount);
        return new TimeoutException(string.Create(CultureInfo.InvariantCulture,
            $"discovery: {what} within {timeout.TotalSeconds:0.###} s (request {requestId} to {_endpoints.RequestChannel}:{_endpoints.RequestStreamId}, " +
            $"responses on {_endpoints.ResponseChannel}:{_endpoints.ResponseStreamId}); is a discovery provider (tp driver or tp discovery) answering there?"));
    }
}
