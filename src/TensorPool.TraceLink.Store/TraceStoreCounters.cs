namespace TensorPool.TraceLink.Store;

/// <summary>
/// What a <see cref="TraceStore"/> did with the records it was given: accepted, written, and every loss by cause.
/// Live counters, readable from any thread.
/// </summary>
public sealed class TraceStoreCounters
{
    private long _accepted;
    private long _droppedQueueFull;
    private long _framesWritten;
    private long _duplicateFrames;
    private long _linksWritten;
    private long _windowsWritten;
    private long _nodesWritten;
    private long _batches;
    private long _writeFailures;
    private long _droppedAtClose;
    private long _maxBatchMicros;
    private string? _lastError;

    /// <summary>Records taken into the queue (a frame, one parent link, a window, a node).</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    /// <summary>Records refused because the queue was full: the writer fell behind (a slow disk, a locked database).</summary>
    public long DroppedQueueFull => Volatile.Read(ref _droppedQueueFull);

    /// <summary>Frames inserted.</summary>
    public long FramesWritten => Volatile.Read(ref _framesWritten);

    /// <summary>Frames whose (stream_id, epoch, seq) was already stored: written once, the repeat ignored.</summary>
    public long DuplicateFrames => Volatile.Read(ref _duplicateFrames);

    /// <summary>trace_links rows inserted (a link already stored is not counted again).</summary>
    public long LinksWritten => Volatile.Read(ref _linksWritten);

    public long WindowsWritten => Volatile.Read(ref _windowsWritten);

    public long NodesWritten => Volatile.Read(ref _nodesWritten);

    /// <summary>Transactions committed.</summary>
    public long Batches => Volatile.Read(ref _batches);

    /// <summary>Transactions that failed (the batch is kept and retried on the next flush).</summary>
    public long WriteFailures => Volatile.Read(ref _writeFailures);

    /// <summary>Records still unwritten when the store closed (the database stayed unwritable to the end).</summary>
    public long DroppedAtClose => Volatile.Read(ref _droppedAtClose);

    /// <summary>The longest transaction so far, in microseconds.</summary>
    public long MaxBatchMicros => Volatile.Read(ref _maxBatchMicros);

    /// <summary>Every record lost: queue full and unwritten at close.</summary>
    public long Dropped => DroppedQueueFull + DroppedAtClose;

    /// <summary>The last write error, in words; null when the last transaction succeeded.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    internal void AddAccepted(int n) => Interlocked.Add(ref _accepted, n);

    internal void AddDroppedQueueFull(int n) => Interlocked.Add(ref _droppedQueueFull, n);

    internal void AddBatch(long frames, long duplicates, long links, long windows, long nodes, long micros)
    {
        Interlocked.Add(ref _framesWritten, frames);
        Interlocked.Add(ref _duplicateFrames, duplicates);
        Interlocked.Add(ref _linksWritten, links);
        Interlocked.Add(ref _windowsWritten, windows);
        Interlocked.Add(ref _nodesWritten, nodes);
        Interlocked.Increment(ref _batches);
        if (micros > _maxBatchMicros)
        {
            Volatile.Write(ref _maxBatchMicros, micros);
        }
        Volatile.Write(ref _lastError, null);
    }

    internal void AddWriteFailure(string error)
    {
        Interlocked.Increment(ref _writeFailures);
        Volatile.Write(ref _lastError, error);
    }

    internal void AddDroppedAtClose(long n) => Interlocked.Add(ref _droppedAtClose, n);

    public override string ToString() =>
        $"accepted {Accepted}, frames {FramesWritten} (duplicates {DuplicateFrames}), links {LinksWritten}, windows {WindowsWritten}, " +
        $"batches {Batches}, failures {WriteFailures}, dropped {Dropped} (queue full {DroppedQueueFull}, at close {DroppedAtClose})";
}
