namespace TensorPool.TraceLink.Store;

/// <summary>
/// The trace database could not be opened or used: <see cref="Kind"/> says why, the message names the file and the
/// cause in words a user can act on (the SQLite error is the inner exception).
/// </summary>
public sealed class TraceStoreException : Exception
{
    public TraceStoreException()
        : this(TraceStoreErrorKind.Io, "the trace database failed")
    {
    }

    public TraceStoreException(string message)
        : this(TraceStoreErrorKind.Io, message)
    {
    }

    public TraceStoreException(string message, Exception innerException)
        : this(TraceStoreErrorKind.Io, message, innerException)
    {
    }

    public TraceStoreException(TraceStoreErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public TraceStoreErrorKind Kind { get; }

    /// <summary>Whether the cause is the file the caller named (missing, not a database, not a TraceLink store) rather than the moment.</summary>
    public bool IsBadInput => Kind is TraceStoreErrorKind.NotFound or TraceStoreErrorKind.NotAStore or TraceStoreErrorKind.Corrupt;
}
