namespace TensorPool.Consumers;

/// <summary>What <see cref="SequenceAccounting.OnDescriptor"/> decided about a FrameDescriptor (each drop already counted).</summary>
internal enum DescriptorVerdict
{
    /// <summary>In sequence (gaps before it counted): go on and read the slot.</summary>
    Read,

    /// <summary>Of an older epoch than the one followed: dropped (drops_epoch).</summary>
    OlderEpoch,

    /// <summary>Its sequence went backwards within the epoch: dropped, and the regions must be mapped again (§15.2).</summary>
    Regressed,

    /// <summary>Below the point a resync skipped to: passed over unread (§15.4).</summary>
    SkippedByResync,
}
