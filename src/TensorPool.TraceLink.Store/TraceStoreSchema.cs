using Microsoft.Data.Sqlite;

namespace TensorPool.TraceLink.Store;

/// <summary>
/// The store's tables: <c>frames</c>, <c>trace_links</c> and <c>trace_windows</c> exactly as TraceLink §10.1, §10.2 and
/// §10.4 give them, with their indexes, and <c>trace_nodes</c> for §6.2's (node_id, process_id, start_time). The file is
/// marked with an application id so a database of another program is refused rather than written into (D154).
/// </summary>
internal static class TraceStoreSchema
{
    /// <summary>PRAGMA application_id of a TraceLink store: "TPLK".</summary>
    public const int ApplicationId = 0x54504C4B;

    public const int Version = 1;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS frames (
          stream_id   INTEGER NOT NULL,
          epoch       INTEGER NOT NULL,
          seq         INTEGER NOT NULL,
          stage_id    INTEGER NOT NULL,
          t_ns        INTEGER NOT NULL,
          trace_id    INTEGER NOT NULL,
          status      INTEGER NOT NULL,
          PRIMARY KEY (stream_id, epoch, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS frames_trace_idx ON frames(trace_id);
        CREATE TABLE IF NOT EXISTS trace_links (
          trace_id        INTEGER NOT NULL,
          parent_trace_id INTEGER NOT NULL,
          PRIMARY KEY (trace_id, parent_trace_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS trace_links_parent_idx ON trace_links(parent_trace_id);
        CREATE TABLE IF NOT EXISTS trace_windows (
          trace_id     INTEGER NOT NULL,
          in_stream_id INTEGER NOT NULL,
          epoch        INTEGER NOT NULL,
          seq_start    INTEGER,
          seq_end      INTEGER,
          t_start_ns   INTEGER,
          t_end_ns     INTEGER,
          PRIMARY KEY (trace_id, in_stream_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS trace_windows_stream_idx ON trace_windows(in_stream_id, epoch);
        CREATE TABLE IF NOT EXISTS trace_nodes (
          node_id       INTEGER NOT NULL,
          process_id    INTEGER NOT NULL,
          start_time_ns INTEGER NOT NULL,
          PRIMARY KEY (node_id, process_id, start_time_ns)
        ) WITHOUT ROWID;
        """;

    // Every column the store reads or writes: selecting them from an empty result proves the tables have them.
    private static readonly string[] Probes =
    [
        "SELECT stream_id, epoch, seq, stage_id, t_ns, trace_id, status FROM frames LIMIT 0",
        "SELECT trace_id, parent_trace_id FROM trace_links LIMIT 0",
        "SELECT trace_id, in_stream_id, epoch, seq_start, seq_end, t_start_ns, t_end_ns FROM trace_windows LIMIT 0",
        "SELECT node_id, process_id, start_time_ns FROM trace_nodes LIMIT 0",
    ];

    /// <summary>Creates what is missing (read-write), or checks that everything is there (read-only).</summary>
    public static void Prepare(SqliteConnection connection, string path, bool readOnly)
    {
        long applicationId = Scalar(connection, "PRAGMA application_id");
        if (applicationId != 0 && applicationId != ApplicationId)
        {
            throw new TraceStoreException(TraceStoreErrorKind.NotAStore,
                $"{path}: not a TraceLink store (an SQLite database of another application, application_id 0x{applicationId:x8})");
        }
        if (!readOnly)
        {
            // §14.1: WAL lets queries read while the recorder writes; NORMAL syncs at checkpoints, not every commit.
            string mode = ScalarText(connection, "PRAGMA journal_mode = WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new TraceStoreException(TraceStoreErrorKind.Io, $"{path}: SQLite refused WAL mode (journal_mode is {mode})");
            }
            Execute(connection, "PRAGMA synchronous = NORMAL");
            using SqliteTransaction tx = connection.BeginTransaction();
            Execute(connection, Create, tx);
            Execute(connection, $"PRAGMA application_id = {ApplicationId}", tx);
            Execute(connection, $"PRAGMA user_version = {Version}", tx);
            tx.Commit();
        }
        foreach (string probe in Probes)
        {
            try
            {
                Execute(connection, probe);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 1) // SQLITE_ERROR: no such table or column
            {
                throw new TraceStoreException(TraceStoreErrorKind.NotAStore,
                    $"{path}: not a TraceLink store ({e.Message.Replace("SQLite Error 1: ", "", StringComparison.Ordinal)}); record one with tp trace record", e);
            }
        }
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using SqliteCommand c = connection.CreateCommand();
        c.CommandText = sql;
        c.Transaction = tx;
        c.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand c = connection.CreateCommand();
        c.CommandText = sql;
        return Convert.ToInt64(c.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string ScalarText(SqliteConnection connection, string sql)
    {
        using SqliteCommand c = connection.CreateCommand();
        c.CommandText = sql;
        return Convert.ToString(c.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
