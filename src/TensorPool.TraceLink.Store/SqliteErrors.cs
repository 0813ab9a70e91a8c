using Microsoft.Data.Sqlite;

namespace TensorPool.TraceLink.Store;

/// <summary>Turns SQLite's result codes into a <see cref="TraceStoreException"/> whose message says what to do about it.</summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoErr = 10;
    private const int Corrupt = 11;
    private const int CantOpen = 14;
    private const int Full = 13;
    private const int NotADb = 26;

    public static TraceStoreException Translate(SqliteException e, string path)
    {
        int primary = e.SqliteErrorCode & 0xFF;
        return primary switch
        {
            Busy or Locked => new TraceStoreException(TraceStoreErrorKind.Locked,
                $"{path}: the database is locked by another connection (it did not let go in time)", e),
            NotADb => new TraceStoreException(TraceStoreErrorKind.NotAStore, $"{path}: not an SQLite database (a corrupt or foreign file)", e),
            Corrupt => new TraceStoreException(TraceStoreErrorKind.Corrupt, $"{path}: the database is damaged (SQLite: {Reason(e)})", e),
            CantOpen when !File.Exists(path) => new TraceStoreException(TraceStoreErrorKind.NotFound, $"{path}: no such database", e),
            CantOpen => new TraceStoreException(TraceStoreErrorKind.Io, $"{path}: cannot open the database (SQLite: {Reason(e)})", e),
            ReadOnly => new TraceStoreException(TraceStoreErrorKind.Io, $"{path}: the database is read-only here (SQLite: {Reason(e)})", e),
            Full => new TraceStoreException(TraceStoreErrorKind.Io, $"{path}: the disk is full", e),
            IoErr => new TraceStoreException(TraceStoreErrorKind.Io, $"{path}: I/O error (SQLite: {Reason(e)})", e),
            _ => new TraceStoreException(TraceStoreErrorKind.Io, $"{path}: {Reason(e)}", e),
        };
    }

    /// <summary>SQLite's own words, without the "SQLite Error N: " prefix.</summary>
    public static string Reason(SqliteException e)
    {
        string m = e.Message;
        int colon = m.IndexOf(": ", StringComparison.Ordinal);
        return m.StartsWith("SQLite Error", StringComparison.Ordinal) && colon > 0 ? m[(colon + 2)..].Trim('\'', '.', ' ') : m;
    }
}
