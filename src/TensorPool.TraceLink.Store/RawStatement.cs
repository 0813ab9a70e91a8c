using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TensorPool.TraceLink.Store;

/// <summary>
/// A prepared statement driven through SQLite's C API (SQLitePCLRaw, under Microsoft.Data.Sqlite): binding an integer
/// is a native call, where an ADO.NET parameter boxes every value. The writer runs one of these per row, over 100,000
/// rows a second (D156). Failures become <see cref="SqliteException"/>, as from ADO.NET.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_stmt, index, value));

    public void BindNull(int index) => Check(raw.sqlite3_bind_null(_stmt, index));

    /// <summary>Runs the statement to its end; returns the rows it changed.</summary>
    public int Execute()
    {
        int rc = raw.sqlite3_step(_stmt);
        raw.sqlite3_reset(_stmt);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
        return raw.sqlite3_changes(_db);
    }

    /// <summary>Runs SQL without results (BEGIN, COMMIT, ROLLBACK) on the statement's connection.</summary>
    public static void Exec(SqliteConnection connection, string sql)
    {
        sqlite3 db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        int rc = raw.sqlite3_exec(db, sql);
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _stmt.Dispose();
}
