namespace TensorPool.Consumers;

/// <summary>
/// Hands mappings from the conductor to the consumer's polling thread without a lock: the conductor posts the latest
/// mapping (with a reference for the consumer), the consumer takes it at the start of its next poll. A mapping posted
/// but never taken is released when a newer one replaces it or when the mailbox closes.
/// </summary>
internal sealed class MappingMailbox
{
    private static readonly ConsumerMapping Closed = ConsumerMapping.CreateMarker();

    private ConsumerMapping? _slot;

    /// <summary>
    /// Woken after each post: a polling thread asleep between polls takes the mapping now, so its QosConsumer reports the
    /// epoch before any frame arrives (a producer may wait for that, §10.4.1).
    /// </summary>
    public Agents.IWaitSource? Poller { get; init; }

    /// <summary>Cheap check for the polling thread (a plain volatile read).</summary>
    public bool HasMail
    {
        get
        {
            ConsumerMapping? m = Volatile.Read(ref _slot);
            return m is not null && !ReferenceEquals(m, Closed);
        }
    }

    /// <summary>Conductor: offer <paramref name="mapping"/> (adds the consumer's reference). Dropped when the mailbox is closed.</summary>
    public void Post(ConsumerMapping mapping)
    {
        mapping.AddReference();
        while (true)
        {
            ConsumerMapping? current = Volatile.Read(ref _slot);
            if (ReferenceEquals(current, Closed))
            {
                mapping.Release();
                return;
            }
            if (ReferenceEquals(Interlocked.CompareExchange(ref _slot, mapping, current), current))
            {
                current?.Release(); // posted earlier, never taken
                Poller?.Wake();
                return;
            }
        }
    }

    /// <summary>Consumer: the newest posted mapping (its reference now the caller's), or null.</summary>
    public ConsumerMapping? Take()
    {
        while (true)
        {
            ConsumerMapping? current = Volatile.Read(ref _slot);
            if (current is null || ReferenceEquals(current, Closed))
            {
                return null;
            }
            if (ReferenceEquals(Interlocked.CompareExchange(ref _slot, null, current), current))
            {
                return current;
            }
        }
    }

    /// <summary>Refuse further posts and release whatever was waiting.</summary>
    public void Close()
    {
        ConsumerMapping? previous = Interlocked.Exchange(ref _slot, Closed);
        if (previous is not null && !ReferenceEquals(previous, Closed))
        {
            previous.Release();
        }
    }
}
