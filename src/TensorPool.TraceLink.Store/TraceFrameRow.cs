namespace TensorPool.TraceLink.Store;

/// <summary>A frame read back from the store (§11.1).</summary>
public sealed record TraceFrameRow(uint StreamId, ulong Epoch, ulong Seq, int StageId, long TimeNs, ulong TraceId, int Status);
