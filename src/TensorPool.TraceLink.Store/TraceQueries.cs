namespace TensorPool.TraceLink.Store;

/// <summary>The store's read and expansion SQL (TraceLink §11, §14.2.4).</summary>
internal static class TraceQueries
{
    /// <summary>§11.1: a trace's frames by time.</summary>
    public const string Frames = """
        SELECT stream_id, epoch, seq, stage_id, t_ns, trace_id, status FROM frames
        WHERE trace_id = $id ORDER BY t_ns, stream_id, epoch, seq
        """;

    /// <summary>§11.2.</summary>
    public const string Parents = "SELECT parent_trace_id FROM trace_links WHERE trace_id = $id ORDER BY parent_trace_id";

    /// <summary>§11.3.</summary>
    public const string Children = "SELECT trace_id FROM trace_links WHERE parent_trace_id = $id ORDER BY trace_id";

    public const string HasParents = "SELECT EXISTS (SELECT 1 FROM trace_links WHERE trace_id = $id)";

    /// <summary>
    /// §11.4: every link above a trace with its distance, through a recursive CTE. UNION (not UNION ALL) drops a link
    /// met again at the same depth, and the depth bound ends cycles a hostile or buggy recorder could have stored.
    /// </summary>
    public const string Ancestors = """
        WITH RECURSIVE up(child, parent, depth) AS (
          SELECT trace_id, parent_trace_id, 1 FROM trace_links WHERE trace_id = $id
          UNION
          SELECT l.trace_id, l.parent_trace_id, up.depth + 1
          FROM trace_links AS l JOIN up ON l.trace_id = up.parent
          WHERE up.depth < $depth
        )
        SELECT child, parent, MIN(depth) FROM up GROUP BY child, parent ORDER BY 3, 1, 2
        """;

    /// <summary>§11.4, downwards.</summary>
    public const string Descendants = """
        WITH RECURSIVE down(child, parent, depth) AS (
          SELECT trace_id, parent_trace_id, 1 FROM trace_links WHERE parent_trace_id = $id
          UNION
          SELECT l.trace_id, l.parent_trace_id, down.depth + 1
          FROM trace_links AS l JOIN down ON l.parent_trace_id = down.child
          WHERE down.depth < $depth
        )
        SELECT child, parent, MIN(depth) FROM down GROUP BY child, parent ORDER BY 3, 1, 2
        """;

    /// <summary>The key of the last window of the next batch (windows are taken in key order after a cursor).</summary>
    public const string WindowBatchEnd = """
        SELECT trace_id, in_stream_id FROM (
          SELECT trace_id, in_stream_id FROM trace_windows
          WHERE $first OR (trace_id, in_stream_id) > ($t, $s)
          ORDER BY trace_id, in_stream_id LIMIT $n
        ) ORDER BY trace_id DESC, in_stream_id DESC LIMIT 1
        """;

    public const string WindowBatchCount = """
        SELECT COUNT(*) FROM trace_windows
        WHERE ($first OR (trace_id, in_stream_id) > ($t, $s)) AND (trace_id, in_stream_id) <= ($t1, $s1)
        """;

    /// <summary>
    /// §14.2.3, §14.2.4: a batch of windows becomes trace_links rows: each window's output trace gets as parents the
    /// traces of the input stream's frames of that epoch inside the window's seq bounds and/or time bounds. DISTINCT and
    /// OR IGNORE de-duplicate, so the job can run again over the same windows.
    /// </summary>
    public const string ExpandBatch = """
        INSERT OR IGNORE INTO trace_links (trace_id, parent_trace_id)
        SELECT DISTINCT w.trace_id, f.trace_id
        FROM trace_windows AS w
        JOIN frames AS f ON f.stream_id = w.in_stream_id AND f.epoch = w.epoch
        WHERE ($first OR (w.trace_id, w.in_stream_id) > ($t, $s)) AND (w.trace_id, w.in_stream_id) <= ($t1, $s1)
          AND f.trace_id <> 0 AND f.trace_id <> w.trace_id
          AND (w.seq_start IS NULL OR f.seq BETWEEN w.seq_start AND w.seq_end)
          AND (w.t_start_ns IS NULL OR f.t_ns BETWEEN w.t_start_ns AND w.t_end_ns)
        """;
}
