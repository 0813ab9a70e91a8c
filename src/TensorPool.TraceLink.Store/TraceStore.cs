using Microsoft.Data.Sqlite;

namespace TensorPool.TraceLink.Store;

/// <summary>
/// The TraceLink provenance store (TraceLink §10, §11, §14.2): an SQLite database with the spec's <c>frames</c>,
/// <c>trace_links</c> and <c>trace_windows</c> tables in WAL mode. Recording (<see cref="TryRecordFrame"/>,
/// <see cref="TryRecordLinks"/>, <see cref="TryRecordWindow"/>) only queues the row, from any thread, without waiting:
/// a writer thread commits the queue every flush interval (10–100 ms), and when it falls behind rows are dropped and
/// counted in <see cref="Counters"/>, never waited for. Queries (<see cref="Frames"/>, <see cref="Lineage"/>) and the
/// offline window expansion (<see cref="ExpandWindows"/>) run on a connection of their own.
/// </summary>
/// <example>
/// <code>
/// using var store = TraceStore.Open(new TraceStoreOptions { Path = "trace.db" });
/// store.TryRecordFrame(new TraceFrame { StreamId = 10000, Epoch = epoch, Seq = seq, TraceId = trace, TimeNs = now });
/// TraceLineage lineage = store.Lineage(trace);
/// </code>
/// </example>
public sealed class TraceStore : IDisposable
{
    public const int DefaultLineageDepth = 32;
    public const int MaxLineageDepth = 10_000;
    public const int DefaultExpandBatch = 1000;

    private readonly object _gate = new();
    private readonly SqliteConnection _query;
    private readonly SqliteConnection? _writeConnection;
    private readonly TraceStoreWriter? _writer;
    private bool _disposed;

    private TraceStore(string path, SqliteConnection query, SqliteConnection? writeConnection, TraceStoreWriter? writer, TraceStoreCounters counters)
    {
        Path = path;
        IsReadOnly = writer is null;
        _query = query;
        _writeConnection = writeConnection;
        _writer = writer;
        Counters = counters;
    }

    /// <summary>The database file, as a full path.</summary>
    public string Path { get; }

    public bool IsReadOnly { get; }

    public TraceStoreCounters Counters { get; }

    /// <summary>
    /// Opens (read-write: creates when missing) the database and, unless read-only, starts its writer.
    /// </summary>
    /// <exception cref="ArgumentException">An option breaks its rule.</exception>
    /// <exception cref="TraceStoreException">The file is missing (read-only), not a TraceLink store, damaged, locked, or unreadable.</exception>
    public static TraceStore Open(TraceStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string path = System.IO.Path.GetFullPath(options.Path);
        if (Directory.Exists(path))
        {
            throw new TraceStoreException(TraceStoreErrorKind.NotAStore, $"{path}: is a directory, not a database file");
        }
        if (options.ReadOnly && !File.Exists(path))
        {
            throw new TraceStoreException(TraceStoreErrorKind.NotFound, $"{path}: no such database");
        }
        string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = options.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // closing really closes: the file can be moved, deleted or locked by others afterwards
            DefaultTimeout = options.BusyTimeoutSeconds,
        }.ToString();
        SqliteConnection? query = null;
        SqliteConnection? write = null;
        try
        {
            query = new SqliteConnection(connectionString);
            query.Open();
            TraceStoreSchema.Prepare(query, path, options.ReadOnly);
            var counters = new TraceStoreCounters();
            if (options.ReadOnly)
            {
                return new TraceStore(path, query, null, null, counters);
            }
            write = new SqliteConnection(connectionString);
            write.Open();
            return new TraceStore(path, query, write, new TraceStoreWriter(write, path, options, counters), counters);
        }
        catch (SqliteException e)
        {
            query?.Dispose();
            write?.Dispose();
            throw SqliteErrors.Translate(e, path);
        }
        catch
        {
            query?.Dispose();
            write?.Dispose();
            throw;
        }
    }

    /// <summary>Opens an existing store for queries only.</summary>
    public static TraceStore OpenReadOnly(string path) => Open(new TraceStoreOptions { Path = path, ReadOnly = true });

    /// <summary>Queues a <c>frames</c> row; false when the queue is full (counted). Any thread; never waits.</summary>
    public bool TryRecordFrame(in TraceFrame frame) => Writer.TryEnqueue(StoreRecord.Frame(frame));

    /// <summary>
    /// Queues the <c>trace_links</c> rows of <paramref name="traceId"/>, one per parent, all or none (§14.2.2: persist
    /// trace_links from the TraceLinkSet); false when the queue cannot take them all (counted).
    /// </summary>
    /// <exception cref="ArgumentException">A trace id is 0.</exception>
    public bool TryRecordLinks(ulong traceId, ReadOnlySpan<ulong> parents)
    {
        if (traceId == TraceId.Null || parents.Contains(TraceId.Null))
        {
            throw new ArgumentException("trace ids in trace_links must not be 0 (TraceLink §9.2)", nameof(parents));
        }
        return Writer.TryEnqueueLinks(traceId, parents);
    }

    /// <summary>Queues a <c>trace_windows</c> row for a windowed integrator's output (§12.1, §14.2.3).</summary>
    /// <exception cref="ArgumentException">The window has no usable bounds (see <see cref="TraceWindow.Problem"/>).</exception>
    public bool TryRecordWindow(in TraceWindow window)
    {
        if (window.Problem() is { } problem)
        {
            throw new ArgumentException("trace window: " + problem, nameof(window));
        }
        return Writer.TryEnqueue(StoreRecord.Window(window));
    }

    /// <summary>Queues a <c>trace_nodes</c> row (§6.2: who used a node id from when).</summary>
    public bool TryRecordNode(in TraceNode node) => Writer.TryEnqueue(StoreRecord.Node(node));

    /// <summary>
    /// Waits until every row queued before the call is committed (or given up because the database stayed unwritable);
    /// false when <paramref name="timeout"/> passed first.
    /// </summary>
    public bool WaitForWrites(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Writer.WaitForWrites(timeout, cancellationToken);

    private TraceStoreWriter Writer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _writer ?? throw new InvalidOperationException($"{Path}: the store was opened read-only");
        }
    }

    /// <summary>§11.1: the frames of a trace, by time.</summary>
    public IReadOnlyList<TraceFrameRow> Frames(ulong traceId) => Query(() => ReadFrames(traceId));

    /// <summary>§11.2: the trace's immediate parents.</summary>
    public IReadOnlyList<ulong> Parents(ulong traceId) => Query(() => ReadIds(TraceQueries.Parents, traceId));

    /// <summary>§11.3: the traces derived directly from this one.</summary>
    public IReadOnlyList<ulong> Children(ulong traceId) => Query(() => ReadIds(TraceQueries.Children, traceId));

    /// <summary>
    /// §11.4: ancestors and descendants of <paramref name="traceId"/> up to <paramref name="maxDepth"/> links away, found
    /// with recursive CTEs, each with its frames; <see cref="TraceLineage.Truncated"/> says whether links go further.
    /// </summary>
    public TraceLineage Lineage(ulong traceId, int maxDepth = DefaultLineageDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, MaxLineageDepth);
        return Query(() =>
        {
            // One level further than asked, to tell whether the answer was cut short.
            List<(TraceEdge Edge, int Depth)> up = ReadWalk(TraceQueries.Ancestors, traceId, maxDepth + 1);
            List<(TraceEdge Edge, int Depth)> down = ReadWalk(TraceQueries.Descendants, traceId, maxDepth + 1);
            bool truncated = up.Exists(e => e.Depth > maxDepth) || down.Exists(e => e.Depth > maxDepth);
            up.RemoveAll(e => e.Depth > maxDepth);
            down.RemoveAll(e => e.Depth > maxDepth);
            List<LineageTrace> ancestors = Traces(up.GroupBy(e => e.Edge.ParentTraceId), traceId);
            List<LineageTrace> descendants = Traces(down.GroupBy(e => e.Edge.TraceId), traceId);
            return new TraceLineage
            {
                TraceId = traceId,
                Frames = ReadFrames(traceId),
                IsRoot = !HasParents(traceId),
                Ancestors = ancestors,
                Descendants = descendants,
                Links = [.. up.Concat(down).Select(e => e.Edge).Distinct()],
                MaxDepth = maxDepth,
                Truncated = truncated,
            };
        });
    }

    /// <summary>
    /// §14.2.4: materialises <c>trace_links</c> from <c>trace_windows</c> offline: each window's output trace gets the
    /// traces of the input frames inside its bounds as parents, de-duplicated, <paramref name="batchSize"/> windows a
    /// transaction so no transaction runs long. Idempotent: run it again after more frames arrive.
    /// </summary>
    public WindowExpansion ExpandWindows(int batchSize = DefaultExpandBatch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (IsReadOnly)
        {
            throw new InvalidOperationException($"{Path}: the store was opened read-only");
        }
        return Query(() =>
        {
            long windows = 0, batches = 0, added = 0;
            bool first = true;
            long t = 0, s = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using SqliteTransaction tx = _query.BeginTransaction();
                using SqliteCommand end = Command(TraceQueries.WindowBatchEnd, tx, ("$first", first), ("$t", t), ("$s", s), ("$n", batchSize));
                long t1, s1;
                using (SqliteDataReader r = end.ExecuteReader())
                {
                    if (!r.Read())
                    {
                        break;
                    }
                    t1 = r.GetInt64(0);
                    s1 = r.GetInt64(1);
                }
                using SqliteCommand count = Command(TraceQueries.WindowBatchCount, tx, ("$first", first), ("$t", t), ("$s", s), ("$t1", t1), ("$s1", s1));
                windows += (long)count.ExecuteScalar()!;
                using SqliteCommand expand = Command(TraceQueries.ExpandBatch, tx, ("$first", first), ("$t", t), ("$s", s), ("$t1", t1), ("$s1", s1));
                added += expand.ExecuteNonQuery();
                tx.Commit();
                batches++;
                (first, t, s) = (false, t1, s1);
            }
            return new WindowExpansion(windows, batches, added);
        });
    }

    private T Query<T>(Func<T> read)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return read();
            }
            catch (SqliteException e)
            {
                throw SqliteErrors.Translate(e, Path);
            }
        }
    }

    private List<LineageTrace> Traces(IEnumerable<IGrouping<ulong, (TraceEdge Edge, int Depth)>> byTrace, ulong self) =>
        [.. byTrace
            .Where(g => g.Key != self) // a cycle back to the trace asked about
            .Select(g => (Trace: g.Key, Depth: g.Min(e => e.Depth)))
            .OrderBy(x => x.Depth).ThenBy(x => x.Trace)
            .Select(x => new LineageTrace(x.Trace, x.Depth, !HasParents(x.Trace), ReadFrames(x.Trace)))];

    private List<TraceFrameRow> ReadFrames(ulong traceId)
    {
        using SqliteCommand c = Command(TraceQueries.Frames, null, ("$id", Signed(traceId)));
        using SqliteDataReader r = c.ExecuteReader();
        var rows = new List<TraceFrameRow>();
        while (r.Read())
        {
            rows.Add(new TraceFrameRow(
                unchecked((uint)r.GetInt64(0)), Unsigned(r.GetInt64(1)), Unsigned(r.GetInt64(2)),
                unchecked((int)r.GetInt64(3)), r.GetInt64(4), Unsigned(r.GetInt64(5)), unchecked((int)r.GetInt64(6))));
        }
        return rows;
    }

    private List<ulong> ReadIds(string sql, ulong traceId)
    {
        using SqliteCommand c = Command(sql, null, ("$id", Signed(traceId)));
        using SqliteDataReader r = c.ExecuteReader();
        var ids = new List<ulong>();
        while (r.Read())
        {
            ids.Add(Unsigned(r.GetInt64(0)));
        }
        return ids;
    }

    private bool HasParents(ulong traceId)
    {
        using SqliteCommand c = Command(TraceQueries.HasParents, null, ("$id", Signed(traceId)));
        return (long)c.ExecuteScalar()! != 0;
    }

    private List<(TraceEdge Edge, int Depth)> ReadWalk(string sql, ulong traceId, int depth)
    {
        using SqliteCommand c = Command(sql, null, ("$id", Signed(traceId)), ("$depth", depth));
        using SqliteDataReader r = c.ExecuteReader();
        var edges = new List<(TraceEdge, int)>();
        while (r.Read())
        {
            edges.Add((new TraceEdge(Unsigned(r.GetInt64(0)), Unsigned(r.GetInt64(1))), (int)r.GetInt64(2)));
        }
        return edges;
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx, params (string Name, object Value)[] parameters)
    {
        SqliteCommand c = _query.CreateCommand();
        c.CommandText = sql;
        c.Transaction = tx;
        foreach ((string name, object value) in parameters)
        {
            c.Parameters.AddWithValue(name, value);
        }
        return c;
    }

    // u64 values are stored as their bit pattern in SQLite's signed INTEGER (D154).
    private static long Signed(ulong v) => unchecked((long)v);

    private static ulong Unsigned(long v) => unchecked((ulong)v);

    /// <summary>Writes what is queued (the writer gives up at once if the database stays unwritable), then closes the database.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _writer?.Dispose();
        _writeConnection?.Dispose();
        _query.Dispose();
    }
}
