namespace TensorPool.Control;

/// <summary>The last DataSourceAnnounce of a stream (wire spec §10.3.1).</summary>
public sealed record DataSourceInfo(uint StreamId, uint ProducerId, ulong Epoch, uint MetaVersion, string Name, string Summary);
