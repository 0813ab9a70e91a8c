using System.Security.Cryptography;
using TensorPool.Agents;
using TensorPool.Consumers;
using TensorPool.Control;
using TensorPool.Diagnostics.Internal;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;
using TensorPool.Producers;
using TensorPool.TraceLink;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Client;

/// <summary>
/// The entry point of an application (Aeron's client, in shape): owns a transport, one conductor duty cycle, and the
/// producers and consumers added to it.
/// </summary>
/// <remarks>
/// <para>Threading model. The conductor (announces, QoS, liveness, mapping) runs on its own thread by default
/// (<see cref="ConductorMode.DedicatedThread"/>), or on the application's thread through <see cref="DoWork"/>
/// (<see cref="ConductorMode.Invoker"/>). The data path never goes through it: a producer's claim/commit and a
/// consumer's poll run on the caller's thread, allocate nothing and take no lock. Exceptions in the duty cycle go to
/// <see cref="ClientOptions.ErrorHandler"/> and never escape it.</para>
/// <para>Adding and disposing producers and consumers is thread-safe (not meant for hot paths).</para>
/// </remarks>
public sealed partial class TensorPoolClient : IDisposable
{
    private readonly ClientOptions _options;
    private readonly ITransport _transport;
    private readonly bool _ownsTransport;
    private readonly PathPolicyHandle _policy;
    private readonly ClientConductor _conductor;
    private readonly IRegionProvider _regions;
    private readonly AgentRunner? _runner;
    private readonly AgentInvoker? _invoker;
    private int _disposed;
    private IDisposable? _metrics;

    private TensorPoolClient(ClientOptions options, IRegionProvider? regions)
    {
        _options = options;
        _ownsTransport = options.Transport is null;
        _transport = options.Transport ?? DefaultTransport.Create(options);
        try
        {
            _policy = CreatePolicy(options.AllowedBaseDirs.Count > 0 ? options.AllowedBaseDirs : [options.ShmBaseDir]);
            long joinTime = options.Clock.NanoTime();
            var timing = new ClientTiming(options.Clock, options.RealtimeClock, joinTime,
                Nanos(options.AnnouncePeriod), Nanos(options.QosPeriod), Nanos(options.EffectiveFreshnessWindow), Nanos(options.EffectiveLivenessTimeout));
            _driver = options.Driver is { } driverOptions ? new DriverClient.DriverConnection(driverOptions.Transport ?? _transport, driverOptions) : null;
            _discovery = CreateDiscovery(options, _transport);
            _conductor = new ClientConductor(_transport, options, timing) { Driver = _driver, Discovery = _discovery };
            // The no-driver deployment by default; the driver model leases regions from the driver.
            _regions = regions ?? (_driver is not null
                ? new DriverRegionProvider(_driver, _policy)
                : new OwnedRegionProvider(options.ShmBaseDir, options.Namespace, options.User));
            _metrics = Diagnostics.Internal.MetricsRegistry.Register(new Diagnostics.ClientMetrics(_conductor));
            Action<Exception> errors = options.ErrorHandler ?? (e => Console.Error.WriteLine($"tensorpool conductor: {e}"));
            if (options.ConductorMode == ConductorMode.DedicatedThread)
            {
                _runner = new AgentRunner(_conductor, options.ConductorIdleStrategy ?? new WaitingIdleStrategy(_conductor.WaitSource), errors);
                _runner.Start();
            }
            else
            {
                _invoker = new AgentInvoker(_conductor, errors);
            }
        }
        catch
        {
            _metrics?.Dispose();
            _discovery?.Dispose();
            _driver?.Dispose();
            _policy?.Dispose();
            if (_ownsTransport)
            {
                _transport.Dispose();
            }
            throw;
        }
    }

    /// <summary>Start a client with <paramref name="options"/> (copied and validated), or the defaults.</summary>
    /// <exception cref="ArgumentException">An option breaks its rule; the message names it.</exception>
    public static TensorPoolClient Connect(ClientOptions? options = null) => Connect(options, null);

    /// <summary>Start a client whose producers get their regions from <paramref name="regions"/> (null: they create their own).</summary>
    internal static TensorPoolClient Connect(ClientOptions? options, IRegionProvider? regions)
    {
        ClientOptions copy = (options ?? new ClientOptions()).Clone();
        copy.Validate();
        return new TensorPoolClient(copy, regions);
    }

    /// <summary>A copy of the options the client runs with.</summary>
    public ClientOptions Options => _options.Clone();

    /// <summary>The transport the client publishes and subscribes through.</summary>
    public ITransport Transport => _transport;

    /// <summary>Control-stream announces that did not decode (counted, never thrown).</summary>
    public long MalformedControlMessages => _conductor.MalformedControlMessages;

    /// <summary>Control, QoS and metadata messages the transport refused.</summary>
    public long ConductorOfferFailures => _conductor.OfferFailures;

    internal ClientConductor Conductor => _conductor;

    /// <summary>DataSourceAnnounce, DataSourceMeta by (stream, meta_version) and meta blobs received (§10.3).</summary>
    public MetadataCache Metadata => _conductor.Metadata;

    /// <summary>
    /// Run one conductor duty cycle on this thread (<see cref="ConductorMode.Invoker"/> only); returns the work done.
    /// </summary>
    /// <exception cref="InvalidOperationException">The conductor runs on its own thread.</exception>
    public int DoWork()
    {
        if (_invoker is null)
        {
            throw new InvalidOperationException("the conductor runs on its own thread (ConductorMode.DedicatedThread); DoWork is for ConductorMode.Invoker");
        }
        return _invoker.Invoke();
    }

    /// <summary>
    /// What the conductor sleeps on between duty cycles (<see cref="ConductorMode.Invoker"/> only): its control, QoS,
    /// metadata and driver streams, up to its next timer (announce, QoS, hello, liveness). A thread that runs
    /// <see cref="DoWork"/> and polls consumers sleeps on both with a <see cref="Transport.CombinedWaitSource"/> of this
    /// and each consumer's <see cref="Consumer.WaitSource"/>, under a <see cref="WaitingIdleStrategy"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The conductor runs on its own thread, which sleeps on this itself.</exception>
    public IWaitSource ConductorWaitSource => _invoker is not null
        ? _conductor.WaitSource
        : throw new InvalidOperationException("the conductor runs on its own thread (ConductorMode.DedicatedThread); its wait source is for ConductorMode.Invoker");

    /// <summary>A producer with default options on <paramref name="streamId"/> (<see cref="AddProducer(ProducerOptions)"/>).</summary>
    public Producer AddProducer(uint streamId = ProducerOptions.DefaultStreamId) => AddProducer(new ProducerOptions { StreamId = streamId });

    /// <summary>
    /// Create a producer, waiting until it has its regions: <see cref="AddProducerAsync(ProducerOptions, CancellationToken)"/>
    /// for callers that can block. With a driver (<see cref="ClientOptions.Driver"/>) this waits for the driver's grant,
    /// up to <see cref="DriverClient.DriverClientOptions.AttachTimeout"/>; in <see cref="ConductorMode.Invoker"/> the
    /// conductor's duty cycle runs on this thread meanwhile. Without a driver nothing is waited for.
    /// </summary>
    /// <exception cref="ArgumentException">An option breaks its rule.</exception>
    /// <exception cref="TensorPoolException">The regions could not be created or mapped (the message says which and why).</exception>
    /// <exception cref="DriverClient.DriverAttachException">The driver refused the lease (its code and message).</exception>
    /// <exception cref="TimeoutException">No driver answered within the attach timeout.</exception>
    public Producer AddProducer(ProducerOptions options) => WaitForDriver(AddProducerAsync(options));

    /// <summary>A producer with default options on <paramref name="streamId"/> (<see cref="AddProducerAsync(ProducerOptions, CancellationToken)"/>).</summary>
    public Task<Producer> AddProducerAsync(uint streamId, CancellationToken cancellationToken = default) =>
        AddProducerAsync(new ProducerOptions { StreamId = streamId }, cancellationToken);

    /// <summary>
    /// Create a producer: its regions in a new epoch (canonical layout under <see cref="ClientOptions.ShmBaseDir"/>, or
    /// leased from the driver), its descriptor publication, and its announces (sent at the conductor's next duty cycle,
    /// then periodically). With a driver the task completes when the driver grants the lease; without one it is
    /// complete on return. In <see cref="ConductorMode.Invoker"/> the grant is processed by your calls to
    /// <see cref="DoWork"/>: keep calling it while you await.
    /// </summary>
    /// <remarks>
    /// Cancelling before the grant leaves nothing behind: no regions are mapped, no producer is created, and a grant
    /// the driver sends afterwards is detached at once. Once granted, the producer is returned even if the token is
    /// cancelled later.
    /// </remarks>
    /// <exception cref="ArgumentException">An option breaks its rule (thrown, not in the task).</exception>
    /// <exception cref="ObjectDisposedException">The client is disposed.</exception>
    public Task<Producer> AddProducerAsync(ProducerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ProducerOptions copy = options.Clone();
        copy.Validate();
        copy.ProducerId = copy.ProducerId != 0 ? copy.ProducerId : RandomId();
        CheckTraceNodeId(copy);
        return CreateProducerAsync(copy, _regions.AttachAsync(copy, cancellationToken));
    }

    private async Task<Producer> CreateProducerAsync(ProducerOptions options, Task<ProducerAttachment> attach) =>
        CreateProducer(options, await attach.ConfigureAwait(false));

    /// <summary>Everything of a producer but its regions; <paramref name="attachment"/> is released if this fails.</summary>
    private Producer CreateProducer(ProducerOptions copy, ProducerAttachment attachment)
    {
        IPublication? descriptors = null;
        IPublication? progress = null;
        IPublication? metadata = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this); // disposed while the driver was being asked
            descriptors = _transport.AddPublication(_options.Channel, _options.DescriptorStreamId);
            progress = _transport.AddPublication(_options.Channel, _options.ControlStreamId);
            metadata = _transport.AddPublication(_options.Channel, _options.MetadataStreamId);
            var settings = new RegistrySettings(copy.StreamId, TpSuperblockConstants.LayoutVersion, _options.Channel,
                [_options.ControlStreamId, _options.DescriptorStreamId, _options.QosStreamId, _options.MetadataStreamId],
                Nanos(_options.EffectiveConsumerStaleTimeout), copy.MaxPerConsumerStreams, copy.PayloadFallbackUri,
                Nanos(copy.ProgressIntervalFloor), copy.ProgressBytesDeltaFloor);
            var control = new ProducerControl(_transport, progress, metadata, settings);
            TraceLinker? tracing = copy.Trace ? Tracing(attachment) : null;
            var producer = new Producer(_conductor, attachment, descriptors, copy, copy.ProducerId, _options.Clock, control, tracing);
            _conductor.Add(producer);
            return producer;
        }
        catch
        {
            descriptors?.Dispose();
            progress?.Dispose();
            metadata?.Dispose();
            attachment.Dispose();
            attachment.DriverLink?.Dispose();
            throw;
        }
    }

    /// <summary>A consumer with default options on <paramref name="streamId"/> (<see cref="AddConsumer(ConsumerOptions)"/>).</summary>
    public Consumer AddConsumer(uint streamId = ProducerOptions.DefaultStreamId) => AddConsumer(new ConsumerOptions { StreamId = streamId });

    /// <summary>
    /// Create a consumer, waiting for its lease when there is a driver:
    /// <see cref="AddConsumerAsync(ConsumerOptions, CancellationToken)"/> for callers that can block (in
    /// <see cref="ConductorMode.Invoker"/> the conductor's duty cycle runs on this thread meanwhile).
    /// </summary>
    /// <exception cref="ArgumentException">An option breaks its rule.</exception>
    /// <exception cref="DriverClient.DriverAttachException">The driver refused the lease (its code and message).</exception>
    /// <exception cref="TimeoutException">No driver answered within the attach timeout.</exception>
    public Consumer AddConsumer(ConsumerOptions options) => WaitForDriver(AddConsumerAsync(options));

    /// <summary>A consumer with default options on <paramref name="streamId"/> (<see cref="AddConsumerAsync(ConsumerOptions, CancellationToken)"/>).</summary>
    public Task<Consumer> AddConsumerAsync(uint streamId, CancellationToken cancellationToken = default) =>
        AddConsumerAsync(new ConsumerOptions { StreamId = streamId }, cancellationToken);

    /// <summary>
    /// Create a consumer: its own descriptor subscription (joining at the live tail) and its announce tracker. It maps
    /// the producer's regions when a valid announce arrives. With a driver the task completes when the driver grants
    /// the CONSUMER lease; without one it is complete on return. In <see cref="ConductorMode.Invoker"/> the grant is
    /// processed by your calls to <see cref="DoWork"/>: keep calling it while you await.
    /// </summary>
    /// <remarks>
    /// Cancelling before the grant leaves nothing behind: the consumer's subscriptions are closed and a grant the driver
    /// sends afterwards is detached at once.
    /// </remarks>
    /// <exception cref="ArgumentException">An option breaks its rule (thrown, not in the task).</exception>
    /// <exception cref="ObjectDisposedException">The client is disposed.</exception>
    public Task<Consumer> AddConsumerAsync(ConsumerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ConsumerOptions copy = options.Clone();
        copy.Validate();
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Consumer>(cancellationToken);
        }
        uint consumerId = copy.ConsumerId != 0 ? copy.ConsumerId : RandomId();
        ISubscription descriptors = _transport.AddSubscription(_options.Channel, _options.DescriptorStreamId);
        var consumer = new Consumer(_conductor, _conductor.Timing.Clock, descriptors, copy, consumerId);
        consumer.Tracker = new AnnounceTracker(consumer, consumer.Mailbox, _policy, _conductor.Timing);
        consumer.Control = new ConsumerControl(consumer, _transport, _options.Channel, _options.DescriptorStreamId, _options.ControlStreamId, copy);
        if (copy.ProgressHandler is not null)
        {
            consumer.SetProgressSubscription(_transport.AddSubscription(_options.Channel, _options.ControlStreamId));
        }
        if (_driver is not null)
        {
            return AttachConsumerLeaseAsync(consumer, cancellationToken);
        }
        _conductor.Add(consumer);
        return Task.FromResult(consumer);
    }

    /// <summary>Stop the conductor, dispose the producers and consumers still open, then the transport if the client created it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _metrics?.Dispose();
        _runner?.Dispose();
        _invoker?.Dispose();
        foreach (Producer p in _conductor.Producers)
        {
            p.Dispose();
        }
        foreach (Consumer c in _conductor.Consumers)
        {
            c.Dispose();
        }
        _conductor.Close();
        _discovery.Dispose();
        _driver?.Dispose(); // after the producers and consumers: their detaches are sent here
        _policy.Dispose();
        if (_ownsTransport)
        {
            _transport.Dispose();
        }
    }

    private static uint RandomId()
    {
        uint id;
        do
        {
            id = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        }
        while (id == 0);
        return id;
    }

    private static long Nanos(TimeSpan span) => span.Ticks * 100;

    /// <summary>The consumers' path policy (§15.21a.5): each allowed base dir canonicalised once, here.</summary>
    private static unsafe PathPolicyHandle CreatePolicy(IList<string> allowedBaseDirs)
    {
        TpPathPolicy* raw;
        NativeError.Check(NativeMethods.tp_path_policy_create(&raw), "creating the path policy");
        var policy = new PathPolicyHandle();
        policy.Adopt(raw);
        try
        {
            using NativeHandleLease<TpPathPolicy> lease = policy.Lease();
            foreach (string dir in allowedBaseDirs)
            {
                int rc = NativeMethods.tp_path_policy_add_base_dir(lease.Pointer, dir);
                if (rc < 0)
                {
                    TensorPoolException e = NativeError.Create(rc, $"allowing base dir {dir}");
                    throw new ArgumentException($"ClientOptions.AllowedBaseDirs entry '{dir}' cannot be used: {e.Message}", nameof(allowedBaseDirs), e);
                }
            }
            return policy;
        }
        catch
        {
            policy.Dispose();
            throw;
        }
    }
}
