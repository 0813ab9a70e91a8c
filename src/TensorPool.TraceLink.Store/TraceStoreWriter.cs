using System.Diagnostics;
using Microsoft.Data.Sqlite;

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
    private readonly TraceLink.BoundedMpscQueue<StoreRecord> _queue;
    private readonly StoreRecord[] _batch;
    private readonly TimeSpan _interval;
    private readonly TraceStoreCounters _counters;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread _thread;
    private readonly SqliteCommand _frame;
    private readonly SqliteCommand _link;
    private readonly SqliteCommand _window;
    private readonly SqliteCommand _node;
    private int _batchCount;
    private long _settled;
    private volatile bool _stopping;

    public TraceStoreWriter(SqliteConnection connection, string path, TraceStoreOptions options, TraceStoreCounters counters)
    {
        _connection = connection;
        _path = path;
        _counters = counters;
        _interval = options.FlushInterval;
        _queue = new TraceLink.BoundedMpscQueue<StoreRecord>(options.QueueCapacity);
        _batch = new StoreRecord[options.MaxBatch];
        // OR IGNORE: a frame seen twice keeps its first row, a link stored once (§14.2.4: de-duplicated); a window
        // recorded again replaces its bounds.
        _frame = Command("INSERT OR IGNORE INTO frames (stream_id, epoch, seq, stage_id, t_ns, trace_id, status) VALUES ($a, $b, $c, $d, $e, $f, $g)", 7);
        _link = Command("INSERT OR IGNORE INTO trace_links (trace_id, parent_trace_id) VALUES ($a, $b)", 2);
        _window = Command("INSERT OR REPLACE INTO trace_windows (trace_id, in_stream_id, epoch, seq_start, seq_end, t_start_ns, t_end_ns) VALUES ($a, $b, $c, $d, $e, $f, $g)", 7);
        _node = Command("INSERT OR IGNORE INTO trace_nodes (node_id, process_id, start_time_ns) VALUES ($a, $b, $c)", 3);
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

    private SqliteCommand Command(string sql, int parameters)
    {
        SqliteCommand c = _connection.CreateCommand();
        c.CommandText = sql;
        for (int i = 0; i < parameters; i++)
        {
            c.Parameters.Add(new SqliteParameter("$" + (char)('a' + i), SqliteType.Integer));
        }
        c.Prepare();
        return c;
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
        try
        {
            using SqliteTransaction tx = _connection.BeginTransaction();
            _frame.Transaction = tx;
            _link.Transaction = tx;
            _window.Transaction = tx;
            _node.Transaction = tx;
            foreach (ref readonly StoreRecord r in batch)
            {
                switch (r.Kind)
                {
                    case StoreRecordKind.Frame:
                        if (Execute(_frame, r, 7) == 1)
                        {
                            frames++;
                        }
                        else
                        {
                            duplicates++;
                        }
                        break;
                    case StoreRecordKind.Link:
                        links += Execute(_link, r, 2);
                        break;
                    case StoreRecordKind.Window:
                        SqliteParameterCollection p = _window.Parameters;
                        p[0].Value = r.A;
                        p[1].Value = r.B;
                        p[2].Value = r.C;
                        p[3].Value = (r.Flags & StoreRecord.HasSeq) != 0 ? r.D : DBNull.Value;
                        p[4].Value = (r.Flags & StoreRecord.HasSeq) != 0 ? r.E : DBNull.Value;
                        p[5].Value = (r.Flags & StoreRecord.HasTime) != 0 ? r.F : DBNull.Value;
                        p[6].Value = (r.Flags & StoreRecord.HasTime) != 0 ? r.G : DBNull.Value;
                        windows += _window.ExecuteNonQuery() > 0 ? 1 : 0;
                        break;
                    case StoreRecordKind.Node:
                        nodes += Execute(_node, r, 3);
                        break;
                }
            }
            tx.Commit();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            _counters.AddWriteFailure(e is SqliteException s ? SqliteErrors.Translate(s, _path).Message : $"{_path}: {e.Message}");
            return false;
        }
        finally
        {
            _frame.Transaction = null;
            _link.Transaction = null;
            _window.Transaction = null;
            _node.Transaction = null;
        }
        long micros = (Stopwatch.GetTimestamp() - start) * 1_000_000 / Stopwatch.Frequency;
        _counters.AddBatch(frames, duplicates, links, windows, nodes, micros);
        return true;
    }

    private static int Execute(SqliteCommand command, in StoreRecord r, int count)
    {
        SqliteParameterCollection p = command.Parameters;
        p[0].Value = r.A;
        p[1].Value = r.B;
        if (count > 2)
        {
            p[2].Value = r.C;
        }
        if (count > 3)
        {
            p[3].Value = r.D;
            p[4].Value = r.E;
            p[5].Value = r.F;
            p[6].Value = r.G;
        }
        return command.ExecuteNonQuery();
    }

    /// <summary>Writes what is queued (one last try when the database is unwritable), then stops the thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        _thread.Join();
        _frame.Dispose();
        _link.Dispose();
        _window.Dispose();
        _node.Dispose();
        _wake.Dispose();
    }
}
