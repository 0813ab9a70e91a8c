namespace TensorPool.JoinBarrier;

/// <summary>What a <see cref="MergeMapRegistry"/> did with one message or map.</summary>
public enum MergeMapUpdate
{
    /// <summary>Not a MergeMap announce (another schema, a request): left alone (§14: schemaId is checked first).</summary>
    Ignored = 0,

    /// <summary>Bytes that are not a well-formed announce: counted, nothing changed.</summary>
    Malformed,

    /// <summary>A new map (or a new epoch's) now applies.</summary>
    Applied,

    /// <summary>The map already applied (soft-state re-announce): nothing changed.</summary>
    Unchanged,

    /// <summary>The announce broke §6.2 / §6.3: the key's map is invalid until replaced.</summary>
    Invalidated,

    /// <summary>The announce names an epoch older than the output's newest known one: ignored.</summary>
    StaleEpoch,

    /// <summary>A new output stream beyond the registry's bound: dropped.</summary>
    Overflowed,
}
