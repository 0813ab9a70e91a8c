using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TensorPool.Discovery.Configuration;
using TensorPool.Sbe;
using TensorPool.Sbe.Discovery;
using TensorPool.Sbe.Driver;
using TensorPool.Sbe.Wire;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Discovery.Protocol;

/// <summary>
/// The discovery provider (discovery spec §2.2): keeps the index of the drivers it is fed and answers
/// DiscoveryRequest on the endpoint each request names (§4.3, §5). The engine a driver embeds (answering on its control
/// endpoint, §4.2) and a registry runs over several drivers (§8). Driven from one duty-cycle thread: feed it the request
/// stream with <see cref="OnRequest"/>, each driver's announce, metadata and control streams with
/// <see cref="OnDriverMessage"/>, and call <see cref="DoWork"/> for expiry.
/// </summary>
/// <remarks>
/// <para>Decoding is gated on the message header (§4.2): only schemaId 910 reaches the request decoder, so the provider
/// can share a stream with the driver's control traffic. Requests are hostile input: nothing here throws on their
/// bytes; what cannot be answered is counted in <see cref="Counters"/> and dropped.</para>
/// <para>Status (§5.2, docs/DECISIONS.md D141): OK with the matching streams; a request with no filter is an
/// inventory listing and gets OK also when nothing is visible; a request with a filter that matches nothing visible
/// gets NOT_FOUND (hidden streams look exactly like absent ones, §12); ERROR for malformed requests (a response stream
/// id of 0, a bound broken, an unsupported version), more matches than <c>max_results</c> or a response larger than the
/// endpoint carries. NOT_FOUND and ERROR carry no results.</para>
/// </remarks>
public sealed class DiscoveryProvider : IDisposable
{
    private readonly DiscoveryProviderOptions _options;
    private readonly IClock _clock;
    private readonly ILogger _log;
    private readonly DiscoveryProviderCounters _counters = new();
    private readonly DiscoveryIndex _index;
    private readonly ResponseEndpoints _endpoints;
    private readonly ResponseWriter _writer = new();
    private readonly DiscoveryFilter _filter = new();
    private readonly List<IndexEntry> _matches = [];
    private readonly List<List<byte[]>> _matchTags = [];
    private readonly HashSet<DriverIdentity> _validDrivers = new(ReferenceEqualityComparer.Instance);
    private readonly long _sweepIntervalNs;
    private long _nextSweepNs;
    private long _queries;

    /// <param name="transport">Where responses are published (the request's endpoint, §4.3).</param>
    /// <param name="options">Copied and validated.</param>
    /// <param name="clock">The monotonic clock of expiry.</param>
    /// <param name="log">Sampled query log (§13); null logs nothing.</param>
    /// <exception cref="DiscoveryConfigurationException">An option breaks its rule.</exception>
    public DiscoveryProvider(ITransport transport, DiscoveryProviderOptions options, IClock? clock = null, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        _clock = clock ?? MonotonicClock.Instance;
        _log = log ?? NullLogger.Instance;
        _index = new DiscoveryIndex(_options, _counters);
        _endpoints = new ResponseEndpoints(transport, _options, _counters);
        _sweepIntervalNs = Math.Max(_options.ExpiryNs / 4, 1_000_000);
    }

    public DiscoveryProviderCounters Counters => _counters;

    /// <summary>Streams in the index (with or without a layout yet).</summary>
    public int IndexedStreams => _index.Count;

    /// <summary>Response publications open now.</summary>
    public int OpenResponseEndpoints => _endpoints.Count;

    /// <summary>
    /// Tags the configuration gives a stream of a driver (a driver's <c>[streams.*] tags</c>), merged with those of
    /// the stream's metadata into the full set results carry (§5.2).
    /// </summary>
    /// <exception cref="ArgumentException">A tag is empty, longer than 256 bytes, not printable ASCII, or there are more than 64.</exception>
    public void ConfigureTags(string driverInstanceId, uint streamId, IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(driverInstanceId);
        ArgumentNullException.ThrowIfNull(tags);
        var list = new List<byte[]>();
        foreach (string tag in tags)
        {
            if (!IsTag(tag))
            {
                throw new ArgumentException($"tag '{tag}' must be 1 to {DiscoveryProviderOptions.MaxTagBytes} printable ASCII characters without ','", nameof(tags));
            }
            byte[] bytes = Encoding.ASCII.GetBytes(tag);
            if (!list.Exists(t => t.AsSpan().SequenceEqual(bytes)))
            {
                list.Add(bytes);
            }
        }
        if (list.Count > DiscoveryProviderOptions.MaxTags)
        {
            throw new ArgumentException($"stream {streamId} has {list.Count} tags, more than {DiscoveryProviderOptions.MaxTags}", nameof(tags));
        }
        _index.ConfigureTags(driverInstanceId, streamId, [.. list]);
    }

    /// <summary>True when <paramref name="tag"/> can be configured: printable ASCII, 1 to 256 characters, no comma.</summary>
    public static bool IsTag(string tag) =>
        tag is { Length: > 0 and <= DiscoveryProviderOptions.MaxTagBytes } && tag.All(c => c is >= ' ' and <= '~' and not ',');

    /// <summary>
    /// A message of <paramref name="driver"/>'s announce, metadata or control streams (§6.4): ShmPoolAnnounce,
    /// DataSourceAnnounce, DataSourceMeta and ShmDriverShutdown are used, everything else is ignored.
    /// </summary>
    public void OnDriverMessage(DriverIdentity driver, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(driver);
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
        {
            return;
        }
        if (!_validDrivers.Contains(driver))
        {
            if (driver.Problem() is not null)
            {
                // §5.2: results never carry an empty or zero authority, so such a driver's streams are not indexed.
                _counters.InvalidAnnouncesCount++;
                return;
            }
            if (_validDrivers.Count == 1024)
            {
                _validDrivers.Clear();
            }
            _validDrivers.Add(driver);
        }
        long now = _clock.NanoTime();
        if (header.SchemaId == ShmPoolAnnounceDecoder.SchemaId)
        {
            switch (header.TemplateId)
            {
                case ShmPoolAnnounceDecoder.TemplateId:
                    _index.OnAnnounce(driver, message, now);
                    break;
                case DataSourceAnnounceDecoder.TemplateId:
                    _index.OnDataSource(driver, message, now);
                    break;
                case DataSourceMetaDecoder.TemplateId:
                    _index.OnMeta(driver, message, now);
                    break;
            }
        }
        else if (header.SchemaId == ShmDriverShutdownDecoder.SchemaId && header.TemplateId == ShmDriverShutdownDecoder.TemplateId &&
            ShmDriverShutdownDecoder.TryWrap(message, out _, out _))
        {
            // §6.3: a restart is known; what the driver announced is gone with its leases (driver spec §4.13).
            int removed = _index.RemoveDriver(driver);
            _counters.DriverShutdownsCount++;
            DiscoveryLog.DriverShutdown(_log, driver.InstanceId, removed);
        }
    }

    /// <summary>
    /// A message of the request stream: a DiscoveryRequest is answered on the endpoint it names (§4.3, §5); messages
    /// of other schemas and templates are left alone (§4.2). Returns 1 when a request was read.
    /// </summary>
    public int OnRequest(ReadOnlySpan<byte> message)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header) || header.SchemaId != DiscoveryRequestDecoder.SchemaId ||
            header.TemplateId != DiscoveryRequestDecoder.TemplateId)
        {
            return 0;
        }
        _counters.RequestsCount++;
        long now = _clock.NanoTime();
        if (header.Version != DiscoveryRequestDecoder.SchemaVersion)
        {
            OnUnsupportedVersion(message, header, now);
            return 1;
        }
        if (!DiscoveryRequestDecoder.TryWrap(message, out DiscoveryRequestDecoder request, out _))
        {
            _counters.MalformedRequestsCount++; // no readable endpoint to answer on
            return 1;
        }
        if (request.ResponseChannel.Length == 0)
        {
            _counters.NoResponseChannelCount++; // §5.1: dropped silently, never answered
            return 1;
        }
        IPublication? endpoint = _endpoints.Get(request.ResponseChannel, request.ResponseStreamId, now);
        if (endpoint is null)
        {
            return 1;
        }
        if (request.ResponseStreamId == 0)
        {
            // §5.1: rejected; with a channel given, ERROR goes to the endpoint the request named.
            Send(endpoint, _writer.Error(request.RequestId, "response_stream_id must not be 0 (§5.1)"), DiscoveryStatus.Error);
            return 1;
        }
        if (!_filter.TryRead(request, out string? error))
        {
            Send(endpoint, _writer.Error(request.RequestId, "malformed request: " + error), DiscoveryStatus.Error);
            return 1;
        }
        Answer(endpoint, now);
        return 1;
    }

    /// <summary>Expire entries (§6.2) a few times per expiry window; returns the work done.</summary>
    public int DoWork(long nowNs)
    {
        if (nowNs < _nextSweepNs)
        {
            return 0;
        }
        _nextSweepNs = nowNs + _sweepIntervalNs;
        return _index.Expire(nowNs);
    }

    /// <summary>The streams a request with no filter would list now, as results would carry them (for tools and tests).</summary>
    public IReadOnlyList<(string DriverInstanceId, uint StreamId, ulong Epoch)> Snapshot()
    {
        long now = _clock.NanoTime();
        return [.. _index.Entries.Where(e => _index.IsLive(e, now)).OrderBy(e => e.Driver.InstanceId, StringComparer.Ordinal)
            .ThenBy(e => e.StreamId).Select(e => (e.Driver.InstanceId, e.StreamId, e.Epoch))];
    }

    public void Dispose() => _endpoints.Dispose();

    private void Answer(IPublication endpoint, long now)
    {
        _matches.Clear();
        int hidden = 0;
        int visible = 0;
        foreach (IndexEntry entry in _index.Entries)
        {
            if (!_index.IsLive(entry, now) || !_filter.Matches(entry))
            {
                continue;
            }
            if (!_options.Access.IsVisible(_filter.ClientId, entry.StreamId))
            {
                hidden++; // §12: never returned, never hinted at
                continue;
            }
            visible++;
            if (visible <= _options.MaxResults)
            {
                _matches.Add(entry);
            }
        }
        DiscoveryStatus status;
        ReadOnlySpan<byte> response;
        if (visible > _options.MaxResults)
        {
            status = DiscoveryStatus.Error;
            response = _writer.Error(_filter.RequestId, string.Create(CultureInfo.InvariantCulture,
                $"{visible} streams match, more than max_results {_options.MaxResults}: narrow the query (§5.2)"));
        }
        else if (visible == 0 && hidden > 0 && _options.Access.DenyWithError)
        {
            status = DiscoveryStatus.Error;
            response = _writer.Error(_filter.RequestId, "access denied (§12)");
        }
        else if (visible == 0 && _filter.HasAnyFilter)
        {
            status = DiscoveryStatus.NotFound;
            response = _writer.NotFound(_filter.RequestId);
        }
        else
        {
            _matches.Sort(static (a, b) =>
            {
                int byDriver = string.CompareOrdinal(a.Driver.InstanceId, b.Driver.InstanceId);
                return byDriver != 0 ? byDriver : a.StreamId.CompareTo(b.StreamId);
            });
            _matchTags.Clear();
            foreach (IndexEntry e in _matches)
            {
                _matchTags.Add(e.Tags());
            }
            int size = ResponseWriter.SizeOf(_matches, _matchTags);
            if (size > endpoint.MaxMessageLength)
            {
                status = DiscoveryStatus.Error;
                response = _writer.Error(_filter.RequestId, string.Create(CultureInfo.InvariantCulture,
                    $"the {_matches.Count} matching streams need a {size}-byte response, more than the response endpoint carries ({endpoint.MaxMessageLength}): narrow the query"));
            }
            else
            {
                status = DiscoveryStatus.Ok;
                response = _writer.Ok(_filter.RequestId, _matches, _matchTags, size);
            }
        }
        Send(endpoint, response, status);
        LogQuery(status, status == DiscoveryStatus.Ok ? _matches.Count : 0);
    }

    /// <summary>§10: only version 1 is spoken; a request readable as version 1 (SBE extends blocks) is told so with ERROR.</summary>
    private void OnUnsupportedVersion(ReadOnlySpan<byte> message, SbeMessageHeader header, long now)
    {
        _counters.UnsupportedVersionCount++;
        if (header.Version == 0 || !DiscoveryRequestDecoder.TryWrapBody(message[SbeMessageHeader.Size..], header.BlockLength,
            DiscoveryRequestDecoder.SchemaVersion, out DiscoveryRequestDecoder request, out _) || request.ResponseChannel.Length == 0)
        {
            return;
        }
        IPublication? endpoint = _endpoints.Get(request.ResponseChannel, request.ResponseStreamId, now);
        if (endpoint is not null)
        {
            Send(endpoint, _writer.Error(request.RequestId, string.Create(CultureInfo.InvariantCulture,
                $"discovery schema version {header.Version} is not supported: this provider speaks version {DiscoveryRequestDecoder.SchemaVersion} (§10)")),
                DiscoveryStatus.Error);
        }
    }

    private void Send(IPublication endpoint, ReadOnlySpan<byte> response, DiscoveryStatus status)
    {
        switch (status)
        {
            case DiscoveryStatus.Ok:
                _counters.OkCount++;
                break;
            case DiscoveryStatus.NotFound:
                _counters.NotFoundCount++;
                break;
            default:
                _counters.ErrorCount++;
                break;
        }
        if (endpoint.Offer(response) < 0)
        {
            _counters.OfferFailuresCount++;
        }
    }

    /// <summary>§13: one query in <c>query_log_every</c>, with its filters' shape but not its names or tags.</summary>
    private void LogQuery(DiscoveryStatus status, int results)
    {
        uint every = _options.QueryLogEvery;
        if (every == 0 || _queries++ % every != 0 || !_log.IsEnabled(LogLevel.Information))
        {
            return;
        }
        _counters.QueriesLoggedCount++;
        DiscoveryLog.Query(_log, every, _filter.ClientId, Show(_filter.StreamId), Show(_filter.ProducerId), Show(_filter.DataSourceId),
            _filter.NameLength, _filter.TagCount, status.ToSbeName() ?? status.ToString(), results);
    }

    private static string Show(ulong? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "any";

    private static string Show(uint? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "any";
}
