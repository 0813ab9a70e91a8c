namespace TensorPool.TraceLink.Store;

/// <summary>The values of <c>frames.status</c> this library writes (§10.1 leaves the column's meaning open; D155).</summary>
public static class TraceFrameStatus
{
    /// <summary>The frame was published: its FrameDescriptor was seen.</summary>
    public const int Published = 0;
}
