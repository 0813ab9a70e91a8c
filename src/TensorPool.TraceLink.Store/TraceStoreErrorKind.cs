namespace TensorPool.TraceLink.Store;

/// <summary>Why a <see cref="TraceStoreException"/> was thrown.</summary>
public enum TraceStoreErrorKind
{
    /// <summary>The database file does not exist (queries never create one).</summary>
    NotFound,

    /// <summary>The file is not an SQLite database, or one of another application.</summary>
    NotAStore,

    /// <summary>SQLite reports the database damaged.</summary>
    Corrupt,

    /// <summary>Another connection holds a lock on the database and did not let go in time.</summary>
    Locked,

    /// <summary>Reading or writing failed otherwise (permissions, a full disk, an I/O error).</summary>
    Io,
}
