using Microsoft.Data.Sqlite;
using TensorPool.Testing;
using TensorPool.TraceLink.Store;

namespace TensorPool.TraceLink.Store.Tests;

/// <summary>Databases in a temporary directory, and a second SQLite connection to look at or lock them.</summary>
internal static class StoreFixture
{
    public static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    public static TraceStore Open(TempDirectory dir, string name = "trace.db", Action<TraceStoreOptions>? configure = null)
    {
        var options = new TraceStoreOptions { Path = Path.Combine(dir.Path, name), FlushInterval = TimeSpan.FromMilliseconds(10) };
        configure?.Invoke(options);
        return TraceStore.Open(options);
    }

    public static SqliteConnection Connect(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 1 }.ToString());
        c.Open();
        return c;
    }

    public static object? Scalar(SqliteConnection c, string sql)
    {
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    public static void Execute(SqliteConnection c, string sql)
    {
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public static TraceFrame Frame(uint stream, ulong epoch, ulong seq, ulong trace, long t = 1000) =>
        new() { StreamId = stream, Epoch = epoch, Seq = seq, TraceId = trace, TimeNs = t };

    public static void Flush(TraceStore store) =>
        Assert.That(store.WaitForWrites(Wait), Is.True, "the writer committed what was queued: " + store.Counters);
}
