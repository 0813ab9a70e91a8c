using TensorPool.Sbe;
using TensorPool.Sbe.TraceLink;
using TensorPool.Sbe.Wire;
using TensorPool.Transport;

namespace TensorPool.TraceLink.Store;

/// <summary>
/// Follows a deployment's FrameDescriptor and TraceLinkSet traffic and writes it into a <see cref="TraceStore"/>
/// (<c>tp trace record</c>): every traced frame becomes a <c>frames</c> row, every TraceLinkSet that passes §9.2 and
/// matches its output frame's descriptor becomes <c>trace_links</c> rows (§14.2.2). It only subscribes: producers and
/// consumers never wait for it, and when it or its database falls behind the loss is counted (transport, queue,
/// database), never pushed back on the pipeline (§5, §12).
/// </summary>
/// <remarks>
/// Mixed control traffic is demultiplexed by the SBE header's schemaId before anything is decoded (§13, §14.1): on
/// either stream, schema 900 template FrameDescriptor is a frame, schema 904 a TraceLinkSet, anything else is passed
/// over. Call <see cref="Poll"/> from one thread.
/// </remarks>
public sealed class TraceRecorder : IDisposable
{
    private readonly TraceStore _store;
    private readonly TraceRecorderOptions _options;
    private readonly ISubscription _descriptors;
    private readonly ISubscription? _control;
    private readonly HashSet<uint>? _streams;
    private readonly TraceLinkSetReader _reader;
    private readonly LinkMatcher _matcher;
    private bool _disposed;

    public TraceRecorder(ITransport transport, TraceStore store, TraceRecorderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new TraceRecorderOptions();
        _options.Validate();
        if (store.IsReadOnly)
        {
            throw new ArgumentException($"{store.Path}: a recorder needs a store opened for writing", nameof(store));
        }
        _streams = _options.StreamIds.Count > 0 ? [.. _options.StreamIds] : null;
        _reader = new TraceLinkSetReader(_options.MaxParents);
        _matcher = new LinkMatcher(_options.RecentFrames, _options.MaxPendingLinkSets, _options.MatchTimeout);
        _descriptors = transport.AddSubscription(_options.Channel, _options.DescriptorStreamId);
        try
        {
            _control = _options.ControlStreamId == _options.DescriptorStreamId
                ? null
                : transport.AddSubscription(_options.Channel, _options.ControlStreamId);
        }
        catch
        {
            _descriptors.Dispose();
            throw;
        }
    }

    public TraceRecorderCounters Counters { get; } = new();

    public TraceStore Store => _store;

    /// <summary>TraceLinkSets waiting for their frame's descriptor.</summary>
    public int PendingLinkSets => _matcher.PendingCount;

    /// <summary>Messages the transport proved lost on the two subscriptions (a recorder lapped by the traffic).</summary>
    public long LostMessages => _descriptors.Counters.LostMessages + (_control?.Counters.LostMessages ?? 0);

    /// <summary>
    /// Takes up to <paramref name="messageLimit"/> messages from each stream, records what they hold, and rejects the
    /// TraceLinkSets whose frame did not come in time (judged only once the descriptor stream is read to its end, so a
    /// recorder that fell behind does not blame the producers). Returns the messages handled (work done, for an idle
    /// strategy).
    /// </summary>
    public int Poll(int messageLimit = 256)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var handler = new Handler(this);
        int descriptors = _descriptors.Poll(ref handler, messageLimit);
        int work = descriptors;
        // A recorder behind on descriptors (a busy machine) reads TraceLinkSets no faster than their frames: sets whose
        // frame is still in the backlog would otherwise pile up waiting and be pushed out unmatched (D153).
        if (_control is not null && _matcher.PendingCount < _options.MaxPendingLinkSets / 2)
        {
            work += _control.Poll(ref handler, messageLimit);
        }
        if (descriptors < messageLimit)
        {
            // Caught up with the descriptor stream: a set still waiting past its timeout will not meet its frame.
            var sink = new Sink(this);
            _matcher.Expire(_options.Clock.NanoTime(), all: false, ref sink);
        }
        return work;
    }

    /// <summary>Rejects, as unmatched, the TraceLinkSets still waiting for their frame (at the end of a recording).</summary>
    public void ExpirePending()
    {
        var sink = new Sink(this);
        _matcher.Expire(_options.Clock.NanoTime(), all: true, ref sink);
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
        {
            Counters.Malformed();
            return;
        }
        if (header.SchemaId == FrameDescriptorDecoder.SchemaId && header.TemplateId == FrameDescriptorDecoder.TemplateId)
        {
            OnDescriptor(message);
        }
        else if (header.SchemaId == TraceLinkSetDecoder.SchemaId && header.TemplateId == TraceLinkSetDecoder.TemplateId)
        {
            OnLinkSet(message);
        }
        // Anything else (announces, QoS, other schemas) is not the recorder's.
    }

    private void OnDescriptor(ReadOnlySpan<byte> message)
    {
        if (!FrameDescriptorDecoder.TryWrap(message, out FrameDescriptorDecoder d, out _))
        {
            Counters.Malformed();
            return;
        }
        Counters.Descriptor();
        if (_streams is not null && !_streams.Contains(d.StreamId))
        {
            Counters.FilteredFrame();
            return;
        }
        ulong trace = d.TraceId ?? TraceId.Null;
        if (trace == TraceId.Null)
        {
            Counters.Untraced();
            return;
        }
        var frame = new TraceFrame
        {
            StreamId = d.StreamId,
            Epoch = d.Epoch,
            Seq = d.Seq,
            TraceId = trace,
            // D155: the descriptor's publish time when the producer sent one, else the arrival time, both CLOCK_MONOTONIC.
            TimeNs = d.TimestampNs is { } published ? unchecked((long)published) : _options.Clock.NanoTime(),
            StageId = _options.StageId,
            Status = TraceFrameStatus.Published,
        };
        if (_store.TryRecordFrame(frame))
        {
            Counters.FrameRecorded();
        }
        else
        {
            Counters.FrameDropped();
        }
        var sink = new Sink(this);
        _matcher.OnFrame(new FrameKey(frame.StreamId, frame.Epoch, frame.Seq), trace, ref sink);
    }

    private void OnLinkSet(ReadOnlySpan<byte> message)
    {
        Counters.LinkSet();
        if (!_reader.TryRead(message, out TraceLinkSetDecoder set, out TraceLinkRejectReason reason))
        {
            Counters.Reject(reason);
            return;
        }
        if (_streams is not null && !_streams.Contains(set.StreamId))
        {
            Counters.FilteredLinkSet();
            return;
        }
        var sink = new Sink(this);
        _matcher.OnLinkSet(new FrameKey(set.StreamId, set.Epoch, set.Seq), set.TraceId, _reader.Parents, _options.Clock.NanoTime(), ref sink);
    }

    private void Accept(ulong traceId, ReadOnlySpan<ulong> parents)
    {
        if (_store.TryRecordLinks(traceId, parents))
        {
            Counters.LinkSetRecorded(parents.Length);
        }
        else
        {
            Counters.LinkSetDropped();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _descriptors.Dispose();
        _control?.Dispose();
    }

    private readonly struct Handler(TraceRecorder owner) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => owner.OnMessage(message);
    }

    private readonly struct Sink(TraceRecorder owner) : ILinkSink
    {
        public void Accept(ulong traceId, ReadOnlySpan<ulong> parents) => owner.Accept(traceId, parents);

        public void Reject(TraceLinkRejectReason reason) => owner.Counters.Reject(reason);
    }
}
