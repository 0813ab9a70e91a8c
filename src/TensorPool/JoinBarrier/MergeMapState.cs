namespace TensorPool.JoinBarrier;

/// <summary>What a <see cref="MergeMapRegistry"/> holds for one kind of map of one (out_stream_id, epoch).</summary>
public enum MergeMapState
{
    /// <summary>No announce for the key yet (or only for another epoch).</summary>
    Absent = 0,

    /// <summary>A valid map applies.</summary>
    Valid,

    /// <summary>The last announce for the key broke §6.2 / §6.3: invalid until replaced.</summary>
    Invalid,
}
