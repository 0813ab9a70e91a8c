namespace TensorPool.TraceLink;

/// <summary>
/// What a <see cref="TraceLinkQueue"/> did with the sets it was given (TraceLink §5, §14: emission is best effort, and
/// every loss is counted). Each property is a live counter; read them from any thread.
/// </summary>
public sealed class TraceLinkQueueCounters
{
    private long _enqueued;
    private long _droppedFull;
    private long _droppedOversize;
    private long _published;
    private long _coalesced;
    private long _backPressured;
    private long _droppedPublication;

    /// <summary>Sets accepted into the queue.</summary>
    public long Enqueued => Volatile.Read(ref _enqueued);

    /// <summary>Sets refused because the queue was full (the conductor fell behind or the transport pushed back).</summary>
    public long DroppedFull => Volatile.Read(ref _droppedFull);

    /// <summary>Sets refused because they had more parents than the queue's MaxParents.</summary>
    public long DroppedOversize => Volatile.Read(ref _droppedOversize);

    /// <summary>TraceLinkSet messages published.</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>Sets merged into the message of an earlier set for the same output frame (§14.1: coalesce).</summary>
    public long Coalesced => Volatile.Read(ref _coalesced);

    /// <summary>Offers the transport refused for now (back pressure, admin action); the sets stay queued and are retried.</summary>
    public long BackPressured => Volatile.Read(ref _backPressured);

    /// <summary>Sets lost because the transport refused them for good (not connected, closed, too long).</summary>
    public long DroppedPublication => Volatile.Read(ref _droppedPublication);

    /// <summary>Every set lost: full, oversize and refused by the transport.</summary>
    public long Dropped => DroppedFull + DroppedOversize + DroppedPublication;

    internal void AddEnqueued() => Interlocked.Increment(ref _enqueued);

    internal void AddDroppedFull() => Interlocked.Increment(ref _droppedFull);

    internal void AddDroppedOversize() => Interlocked.Increment(ref _droppedOversize);

    // The consumer side has one thread: plain stores made visible with Volatile.
    internal void AddPublished(long sets)
    {
        Volatile.Write(ref _published, _published + 1);
        if (sets > 1)
        {
            Volatile.Write(ref _coalesced, _coalesced + sets - 1);
        }
    }

    internal void AddBackPressured() => Volatile.Write(ref _backPressured, _backPressured + 1);

    internal void AddDroppedPublication(long sets) => Volatile.Write(ref _droppedPublication, _droppedPublication + sets);

    public override string ToString() =>
        $"enqueued {Enqueued}, published {Published} (coalesced {Coalesced}), dropped {Dropped} (full {DroppedFull}, oversize {DroppedOversize}, publication {DroppedPublication}), back pressured {BackPressured}";
}
