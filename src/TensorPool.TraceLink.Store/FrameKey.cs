namespace TensorPool.TraceLink.Store;

/// <summary>What identifies a frame: its stream, epoch and seq (the frames table's primary key, §10.1).</summary>
internal readonly record struct FrameKey(uint StreamId, ulong Epoch, ulong Seq);
