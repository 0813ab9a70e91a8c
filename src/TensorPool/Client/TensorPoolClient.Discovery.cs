using System.Globalization;
using TensorPool.Consumers;
using TensorPool.Discovery;
using TensorPool.Native.Internal;

namespace TensorPool.Client;

/// <summary>Discovery (discovery spec §7): asking a provider which streams exist, and attaching from an answer.</summary>
public sealed partial class TensorPoolClient
{
    private readonly DiscoveryClient _discovery;

    /// <summary>What this client's discovery sent, received and refused.</summary>
    public DiscoveryClientCounters DiscoveryCounters => _discovery.Counters;

    /// <summary>Where this client's discovery requests go and responses come back.</summary>
    public DiscoveryEndpoints DiscoveryEndpoints => _discovery.Endpoints;

    /// <summary>
    /// Ask the discovery provider (the driver's, by default: <see cref="ClientOptions.Discovery"/>) for the streams that
    /// match <paramref name="query"/> (none: every visible stream). The answer is an advisory snapshot (§3): attach with
    /// <see cref="AddConsumer(DiscoveredStream, ConsumerOptions?)"/>, never map from it.
    /// </summary>
    /// <remarks>
    /// The response is read by the conductor's duty cycle: with <see cref="ConductorMode.Invoker"/> keep calling
    /// <see cref="DoWork"/> while awaiting. Invalid, duplicate and stale results are left out (§5.2, §7) and counted.
    /// </remarks>
    /// <exception cref="TimeoutException">No response within the query's or the options' timeout (the message names the endpoints).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentException">A filter breaks its rule.</exception>
    public Task<DiscoveryResult> DiscoverAsync(DiscoveryQuery? query = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _discovery.DiscoverAsync(query ?? new DiscoveryQuery(), cancellationToken);
    }

    /// <summary>
    /// A consumer of a discovered stream, attached through the authority the result names, waiting for the lease
    /// (<see cref="AddConsumerAsync(DiscoveredStream, ConsumerOptions?, CancellationToken)"/>).
    /// </summary>
    /// <param name="stream">A result of <see cref="DiscoverAsync"/>.</param>
    /// <param name="options">Consumer options; their stream id is the result's (another one is refused).</param>
    /// <exception cref="InvalidOperationException">This client has no driver, or another one than the result names; or the
    /// result's layout version is not the one this library reads.</exception>
    /// <exception cref="DriverClient.DriverAttachException">The driver refused the lease.</exception>
    public Consumer AddConsumer(DiscoveredStream stream, ConsumerOptions? options)
    {
        ConsumerOptions copy = ForDiscovered(stream, options);
        return AddConsumer(copy);
    }

    /// <summary>
    /// A consumer of a discovered stream, attached through the authority the result names (§5.2, §7): this client's
    /// driver must be that driver. The attach then validates epoch and layout and the mapping validates the
    /// superblocks, as for any consumer; nothing is mapped from the discovery result itself (§3), so a result whose
    /// producer has since moved to a newer epoch attaches to the epoch the driver grants now.
    /// </summary>
    /// <param name="stream">A result of <see cref="DiscoverAsync"/>.</param>
    /// <param name="options">Consumer options; their stream id is the result's (another one is refused).</param>
    /// <param name="cancellationToken">Cancels the wait for the lease (nothing is left behind).</param>
    /// <exception cref="InvalidOperationException">This client has no driver, or another one than the result names; or the
    /// result's layout version is not the one this library reads.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> name another stream.</exception>
    public Task<Consumer> AddConsumerAsync(DiscoveredStream stream, ConsumerOptions? options, CancellationToken cancellationToken)
    {
        ConsumerOptions copy = ForDiscovered(stream, options);
        return AddConsumerAsync(copy, cancellationToken);
    }

    /// <summary>A consumer of a discovered stream with default options (<see cref="AddConsumer(DiscoveredStream, ConsumerOptions?)"/>).</summary>
    /// <param name="stream">A result of <see cref="DiscoverAsync"/>.</param>
    public Consumer AddConsumer(DiscoveredStream stream) => AddConsumer(stream, null);

    /// <summary>
    /// A consumer of a discovered stream with default options, attached without blocking
    /// (<see cref="AddConsumerAsync(DiscoveredStream, ConsumerOptions?, CancellationToken)"/>).
    /// </summary>
    /// <param name="stream">A result of <see cref="DiscoverAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the lease (nothing is left behind).</param>
    public Task<Consumer> AddConsumerAsync(DiscoveredStream stream, CancellationToken cancellationToken) =>
        AddConsumerAsync(stream, null, cancellationToken);

    /// <summary>As <see cref="AddConsumerAsync(DiscoveredStream, CancellationToken)"/>, with no cancellation.</summary>
    /// <param name="stream">A result of <see cref="DiscoverAsync"/>.</param>
    public Task<Consumer> AddConsumerAsync(DiscoveredStream stream) => AddConsumerAsync(stream, null, CancellationToken.None);

    /// <summary>The consumer options for a discovered stream, once the result names this client's driver and a readable layout.</summary>
    private ConsumerOptions ForDiscovered(DiscoveredStream stream, ConsumerOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        string authority = string.Create(CultureInfo.InvariantCulture,
            $"driver {stream.DriverInstanceId} at {stream.DriverControlChannel}:{stream.DriverControlStreamId}");
        if (_options.Driver is not { } driver)
        {
            throw new InvalidOperationException($"stream {stream.StreamId} is owned by {authority}: attach through it with a client whose " +
                "ClientOptions.Driver is stream.ToDriverClientOptions() (discovery §3: a result is never mapped directly)");
        }
        if (!DiscoveryEndpoints.SameChannel(driver.ControlChannel, stream.DriverControlChannel, _options.Namespace) ||
            driver.ControlStreamId != unchecked((int)stream.DriverControlStreamId))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"stream {stream.StreamId} is owned by {authority}, and this client attaches through the driver at " +
                $"{driver.ControlChannel}:{driver.ControlStreamId}: use a client whose ClientOptions.Driver is stream.ToDriverClientOptions() (§5.2)"));
        }
        if (stream.LayoutVersion != TpSuperblockConstants.LayoutVersion)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"stream {stream.StreamId} announces layout version {stream.LayoutVersion}; this library reads version {TpSuperblockConstants.LayoutVersion} (§7)"));
        }
        ConsumerOptions copy = (options ?? new ConsumerOptions { StreamId = stream.StreamId }).Clone();
        if (copy.StreamId != stream.StreamId)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"ConsumerOptions.StreamId {copy.StreamId} is not the discovered stream {stream.StreamId}"), nameof(options));
        }
        return copy;
    }

    private static DiscoveryClient CreateDiscovery(ClientOptions options, Transport.ITransport clientTransport)
    {
        DiscoveryOptions discovery = options.Discovery ?? new DiscoveryOptions();
        // The driver's control endpoint may live on the driver connection's own transport.
        Transport.ITransport transport = (discovery.RequestChannel is null ? options.Driver?.Transport : null) ?? clientTransport;
        return new DiscoveryClient(transport, DiscoveryEndpoints.Resolve(options, discovery), discovery);
    }
}
