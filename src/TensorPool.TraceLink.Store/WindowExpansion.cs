namespace TensorPool.TraceLink.Store;

/// <summary>What one <see cref="TraceStore.ExpandWindows"/> run did (§14.2.4).</summary>
/// <param name="Windows">trace_windows rows read.</param>
/// <param name="Batches">Transactions used.</param>
/// <param name="LinksAdded">trace_links rows inserted; links already present are not counted (de-duplicated).</param>
public sealed record WindowExpansion(long Windows, long Batches, long LinksAdded);
