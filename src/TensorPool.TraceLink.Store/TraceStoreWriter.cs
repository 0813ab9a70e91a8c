using System.Diagnostics;
using Microsoft.Data.Sqlite;
using TensorPool.TraceLink.Internal;

namespace TensorPool.TraceLink.Store;

/// <summary>
/// The store's writer: a thread of its own that wakes every flush interval and commits what the recording threads
/// queued, in transactions of up to MaxBatch records (TraceLink §14: batched 10–100 ms transactions). Recording threads
/// only ever touch the queue, so a slow disk or a locked database costs them nothing: the queue fills, further records
/// are dropped and counted. A transaction that fails keeps its batch and is tried again on the next flush.
/// </summary>
internal sealed class TraceStoreWriter : IDisposable
{
    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly BoundedMpscQueue<StoreRecord> _queue;
    private readonly StoreRecord[] _batch;
    private readonly TimeSpan _interval;
    private readonly TraceStoreCounters _counters;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread _thread;
    private readonly RawStatement _frame;
    private readonly RawStatement _frames;
    private readonly RawStatement _link;
    private readonly RawStatement _links;
    private readonly int[] _chunk = new int[Math.Max(FramesPerStatement, LinksPerStatement)];
    private readonly RawStatement _window;
    private readonly RawStatement _node;
    private const int FramesPerStatement = 32;
    private const int LinksPerStatement = 64;
    private int _batchCount;
    private long _settled;
    private volatile bool _stopping;

    public TraceStoreWriter(SqliteConnection connection, string path, TraceStoreOptions options, TraceStoreCounters counters)
    {
        _connection = connection;
        _path = path;
        _counters = counters;
        _interval = options.FlushInterval;
        _queue = new BoundedMpscQueue<StoreRecord>(options.QueueCapacity);
        _batch = new StoreRecord[options.MaxBatch];
        // OR IGNORE: a frame seen twice keeps its first row, a link stored once (§14.2.4: de-duplicated); a window
        // recorded again replaces its bounds.
        // A locked database makes BEGIN wait this long in SQLite, then fail: the batch is kept and tried again.
        TraceStoreSchema.Execute(connection, $"PRAGMA busy_timeout = {options.BusyTimeoutSeconds * 1000}");
        _frame = new RawStatement(connection, "INSERT OR IGNORE INTO frames (stream_id, epoch, seq, stage_id, t_ns, trace_id, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        _link = new RawStatement(connection, "INSERT OR IGNORE INTO trace_links (trace_id, parent_trace_id) VALUES (?1, ?2)");
        // Many rows a statement: SQLite opens its cursors once per statement, not once per row (D156).
        _frames = new RawStatement(connection, "INSERT OR IGNORE INTO frames (stream_id, epoch, seq, stage_id, t_ns, trace_id, status) VALUES " + Rows(FramesPerStatement, 7));
        _links = new RawStatement(connection, "INSERT OR IGNORE INTO trace_links (trace_id, parent_trace_id) VALUES " + Rows(LinksPerStatement, 2));
        _window = new RawStatement(connection, "INSERT OR REPLACE INTO trace_windows (trace_id, in_stream_id, epoch, seq_start, seq_end, t_start_ns, t_end_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        _node = new RawStatement(connection, "INSERT OR IGNORE INTO trace_nodes (node_id, process_id, start_time_ns) VALUES (?1, ?2, ?3)");
        _thread = new Thread(Run) { IsBackground = true, Name = "trace-store-writer" };
        _thread.Start();
    }

    /// <summary>Records written or given up so far (for <see cref="WaitForWrites"/>).</summary>
    public long Settled => Interlocked.Read(ref _settled);

    /// <summary>Queues one record; false (counted) when the queue is full. Any thread; never waits.</summary>
    public bool TryEnqueue(in StoreRecord record)
    {
        if (_queue.TryEnqueue(record))
        {
            _counters.AddAccepted(1);
            return true;
        }
        _counters.AddDroppedQueueFull(1);
        return false;
    }

    /// <summary>Queues the links of one trace, all or none.</summary>
    public bool TryEnqueueLinks(ulong traceId, ReadOnlySpan<ulong> parents)
    {
        if (parents.IsEmpty)
        {
            return true;
        }
        if (!_queue.TryClaim(parents.Length, out long position))
        {
            _counters.AddDroppedQueueFull(parents.Length);
            return false;
        }
        for (int i = 0; i < parents.Length; i++)
        {
            _queue[position + i] = StoreRecord.Link(traceId, parents[i]);
        }
        _queue.Publish(position, parents.Length);
        _counters.AddAccepted(parents.Length);
        return true;
    }

    /// <summary>Waits until every record accepted before the call is written (or given up); false on timeout.</summary>
    public bool WaitForWrites(TimeSpan timeout, CancellationToken cancellationToken)
    {
        long target = _counters.Accepted;
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Settled < target)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Stopwatch.GetTimestamp() >= deadline || !_thread.IsAlive)
            {
                return false;
            }
            _wake.Set();
            Thread.Sleep(5);
        }
        return true;
    }

    private void Run()
    {
        while (true)
        {
            bool stopping = _stopping;
            bool written = FlushAvailable();
            if (stopping)
            {
                if (!written)
                {
                    long lost = _batchCount + _queue.Count;
                    _counters.AddDroppedAtClose(lost);
                    Interlocked.Add(ref _settled, lost);
                }
                return;
            }
            _wake.Wait(_interval);
            _wake.Reset();
        }
    }

    // Writes everything queued, a transaction per MaxBatch; false when a transaction failed (its batch is kept).
    private bool FlushAvailable()
    {
        while (true)
        {
            if (_batchCount == 0)
            {
                _batchCount = _queue.Drain(_batch);
                if (_batchCount == 0)
                {
                    return true;
                }
            }
            if (!TryWrite(_batch.AsSpan(0, _batchCount)))
            {
                return false;
            }
            Interlocked.Add(ref _settled, _batchCount);
            _batchCount = 0;
        }
    }

    private bool TryWrite(ReadOnlySpan<StoreRecord> batch)
    {
        long start = Stopwatch.GetTimestamp();
        long frames = 0, duplicates = 0, links = 0, windows = 0, nodes = 0;
        bool open = false;
        try
        {
            RawStatement.Exec(_connection, "BEGIN IMMEDIATE");
            open = true;
            // Table by table: rows of one table keep their order, and order between tables does not matter.
            (frames, duplicates) = WriteRows(batch, StoreRecordKind.Frame, _frame, _frames, FramesPerStatement, 7);
            (links, _) = WriteRows(batch, StoreRecordKind.Link, _link, _links, LinksPerStatement, 2);
            foreach (ref readonly StoreRecord r in batch)
            {
                switch (r.Kind)
                {
                    case StoreRecordKind.Window:
                        _window.Bind(1, r.A);
                        _window.Bind(2, r.B);
                        _window.Bind(3, r.C);
                        BindOrNull(_window, 4, r.D, (r.Flags & StoreRecord.HasSeq) != 0);
                        BindOrNull(_window, 5, r.E, (r.Flags & StoreRecord.HasSeq) != 0);
                        BindOrNull(_window, 6, r.F, (r.Flags & StoreRecord.HasTime) != 0);
                        BindOrNull(_window, 7, r.G, (r.Flags & StoreRecord.HasTime) != 0);
                        windows += _window.Execute() > 0 ? 1 : 0;
                        break;
                    case StoreRecordKind.Node:
                        Bind(_node, r, 0, 3);
                        nodes += _node.Execute();
                        break;
                }
            }
            RawStatement.Exec(_connection, "COMMIT");
            open = false;
        }
        catch (SqliteException e)
        {
            if (open)
            {
                TryRollback();
            }
            _counters.AddWriteFailure(SqliteErrors.Translate(e, _path).Message);
            return false;
        }
        long micros = (Stopwatch.GetTimestamp() - start) * 1_000_000 / Stopwatch.Frequency;
        _counters.AddBatch(frames, duplicates, links, windows, nodes, micros);
        return true;
    }

    private void TryRollback()
    {
        try
        {
            RawStatement.Exec(_connection, "ROLLBACK");
        }
        catch (SqliteException)
        {
            // SQLite may have rolled back already (an I/O error, a full disk): nothing is left open either way.
        }
    }

    // Inserts every record of one kind: full statements of many rows, then the rest one by one. Returns the rows
    // inserted and the rows ignored (already stored).
    private (long Inserted, long Ignored) WriteRows(ReadOnlySpan<StoreRecord> batch, StoreRecordKind kind, RawStatement one, RawStatement many, int perStatement, int columns)
    {
        long inserted = 0, ignored = 0;
        int pending = 0;
        for (int i = 0; i < batch.Length; i++)
        {
            if (batch[i].Kind != kind)
            {
                continue;
            }
            Bind(many, batch[i], pending * columns, columns);
            _chunk[pending++] = i;
            if (pending == perStatement)
            {
                int n = many.Execute();
                inserted += n;
                ignored += perStatement - n;
                pending = 0;
            }
        }
        for (int k = 0; k < pending; k++)
        {
            Bind(one, batch[_chunk[k]], 0, columns);
            int n = one.Execute();
            inserted += n;
            ignored += 1 - n;
        }
        return (inserted, ignored);
    }

    // Columns in StoreRecord order (A, B, C, ...) from parameter first + 1.
    private static void Bind(RawStatement s, in StoreRecord r, int first, int columns)
    {
        s.Bind(first + 1, r.A);
        s.Bind(first + 2, r.B);
        if (columns > 2)
        {
            s.Bind(first + 3, r.C);
        }
        if (columns > 3)
        {
            s.Bind(first + 4, r.D);
            s.Bind(first + 5, r.E);
            s.Bind(first + 6, r.F);
            s.Bind(first + 7, r.G);
        }
    }

    private static string Rows(int rows, int columns) =>
        string.Join(", ", Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", Enumerable.Range(1, columns).Select(c => "?" + ((r * columns) + c))) + ")"));

    private static void BindOrNull(RawStatement s, int index, long value, bool present)
    {
        if (present)
        {
            s.Bind(index, value);
        }
        else
        {
            s.BindNull(index);
        }
    }

    /// <summary>Writes what is queued (one last try when the database is unwritable), then stops the thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        _thread.Join();
        _frame.Dispose();
        _frames.Dispose();
        _link.Dispose();
        _links.Dispose();
        _window.Dispose();
        _node.Dispose();
        _wake.Dispose();
    }
}
