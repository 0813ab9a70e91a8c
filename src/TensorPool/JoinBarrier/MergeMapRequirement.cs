namespace TensorPool.JoinBarrier;

/// <summary>A map a <see cref="MergeMapClient"/> is asking for, and when it asks next (touched by the duty cycle only).</summary>
internal sealed class MergeMapRequirement(MergeMapKind kind, MergeMapKey key)
{
    public MergeMapKind Kind { get; } = kind;

    public MergeMapKey Key { get; } = key;

    /// <summary>When the next request is due; 0 = at once.</summary>
    public long NextRequestNs;
}
