namespace TensorPool.Cli.Status;

/// <summary>What <c>tp status</c> made of the messages it read, and what its subscriptions lost.</summary>
internal readonly record struct StatusCounts(long Applied, long Ignored, long Malformed, long Overflowed, long Lost);
