namespace TensorPool.TraceLink.Store;

/// <summary>Where <see cref="LinkMatcher"/> sends its decisions (a struct, so the calls inline and allocate nothing).</summary>
internal interface ILinkSink
{
    /// <summary>The set matched its frame: record its links.</summary>
    void Accept(ulong traceId, ReadOnlySpan<ulong> parents);

    /// <summary>The set broke §9.2's frame rule, or its frame never came.</summary>
    void Reject(TraceLinkRejectReason reason);
}
