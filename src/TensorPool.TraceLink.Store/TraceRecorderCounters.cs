namespace TensorPool.TraceLink.Store;

/// <summary>
/// What a <see cref="TraceRecorder"/> saw and did, by cause. Written by the polling thread, readable from any thread.
/// Loss in the store (queue full, unwritable database) is in <see cref="TraceStore.Counters"/>; loss on the transport
/// (a lapped subscription) in <see cref="TraceRecorder.LostMessages"/>.
/// </summary>
public sealed class TraceRecorderCounters
{
    private readonly long[] _rejected = new long[Enum.GetValues<TraceLinkRejectReason>().Length];
    private long _descriptors;
    private long _framesRecorded;
    private long _untracedFrames;
    private long _filteredFrames;
    private long _framesDropped;
    private long _linkSets;
    private long _linkSetsRecorded;
    private long _linksRecorded;
    private long _filteredLinkSets;
    private long _linkSetsDropped;
    private long _malformedMessages;

    /// <summary>FrameDescriptors decoded.</summary>
    public long Descriptors => Volatile.Read(ref _descriptors);

    /// <summary>Traced frames handed to the store.</summary>
    public long FramesRecorded => Volatile.Read(ref _framesRecorded);

    /// <summary>Frames with trace_id 0 (not recorded; §10.1 allows omitting them).</summary>
    public long UntracedFrames => Volatile.Read(ref _untracedFrames);

    /// <summary>Frames of streams not asked for.</summary>
    public long FilteredFrames => Volatile.Read(ref _filteredFrames);

    /// <summary>Traced frames the store's queue refused (the writer fell behind).</summary>
    public long FramesDropped => Volatile.Read(ref _framesDropped);

    /// <summary>TraceLinkSet messages received.</summary>
    public long LinkSets => Volatile.Read(ref _linkSets);

    /// <summary>TraceLinkSets checked against their frame and handed to the store.</summary>
    public long LinkSetsRecorded => Volatile.Read(ref _linkSetsRecorded);

    /// <summary>trace_links rows handed to the store (one per parent).</summary>
    public long LinksRecorded => Volatile.Read(ref _linksRecorded);

    /// <summary>TraceLinkSets of streams not asked for.</summary>
    public long FilteredLinkSets => Volatile.Read(ref _filteredLinkSets);

    /// <summary>Valid TraceLinkSets the store's queue refused.</summary>
    public long LinkSetsDropped => Volatile.Read(ref _linkSetsDropped);

    /// <summary>TraceLinkSets rejected, all reasons.</summary>
    public long LinkSetsRejected
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _rejected.Length; i++)
            {
                sum += Volatile.Read(ref _rejected[i]);
            }
            return sum;
        }
    }

    /// <summary>Messages too short for an SBE header, and FrameDescriptors the codec refused.</summary>
    public long MalformedMessages => Volatile.Read(ref _malformedMessages);

    /// <summary>TraceLinkSets rejected for <paramref name="reason"/> (TraceLink §9.2).</summary>
    public long Rejected(TraceLinkRejectReason reason) => Volatile.Read(ref _rejected[(int)reason]);

    // One writer (the polling thread): plain increments published with Volatile.
    internal void Descriptor() => Bump(ref _descriptors);

    internal void FrameRecorded() => Bump(ref _framesRecorded);

    internal void Untraced() => Bump(ref _untracedFrames);

    internal void FilteredFrame() => Bump(ref _filteredFrames);

    internal void FrameDropped() => Bump(ref _framesDropped);

    internal void LinkSet() => Bump(ref _linkSets);

    internal void LinkSetRecorded(int links)
    {
        Bump(ref _linkSetsRecorded);
        Volatile.Write(ref _linksRecorded, _linksRecorded + links);
    }

    internal void FilteredLinkSet() => Bump(ref _filteredLinkSets);

    internal void LinkSetDropped() => Bump(ref _linkSetsDropped);

    internal void Malformed() => Bump(ref _malformedMessages);

    internal void Reject(TraceLinkRejectReason reason) => Bump(ref _rejected[(int)reason]);

    private static void Bump(ref long counter) => Volatile.Write(ref counter, counter + 1);
}
