namespace TensorPool.JoinBarrier;

/// <summary>The two kinds of MergeMap (JoinBarrier spec §10): sequence rules (§6.2) and timestamp rules (§6.3).</summary>
public enum MergeMapKind
{
    /// <summary>SequenceMergeMapAnnounce / SequenceMergeMapRequest (§10.1, §10.3).</summary>
    Sequence = 1,

    /// <summary>TimestampMergeMapAnnounce / TimestampMergeMapRequest (§10.4, §10.5).</summary>
    Timestamp = 2,
}
