namespace TensorPool.JoinBarrier;

/// <summary>
/// A map a <see cref="MergeMapAuthority"/> owns: its encoded announce, and the timers of the authority's duty cycle
/// (touched by that thread only).
/// </summary>
internal sealed class OwnedMergeMap(MergeMapKind kind, MergeMapKey key, byte[] announce)
{
    public MergeMapKind Kind { get; } = kind;

    public MergeMapKey Key { get; } = key;

    public byte[] Announce { get; } = announce;

    /// <summary>When the next soft-state announce is due; 0 = at once (a new map).</summary>
    public long NextAnnounceNs;

    /// <summary>A request for this map arrived and has not been answered yet.</summary>
    public bool ResponsePending;

    /// <summary>When the last answer went out.</summary>
    public long LastResponseNs = long.MinValue;
}
