using System.Globalization;
using TensorPool.TraceLink.Store;

namespace TensorPool.Cli.Trace;

/// <summary>The readable forms of <c>tp trace lineage</c> and <c>tp trace frames</c>.</summary>
internal static class TraceText
{
    public static void Frames(TextWriter o, IReadOnlyList<TraceFrameRow> frames, string indent)
    {
        if (frames.Count == 0)
        {
            o.WriteLine($"{indent}(no frames recorded)");
        }
        foreach (TraceFrameRow f in frames)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{indent}stream {f.StreamId}  epoch {f.Epoch}  seq {f.Seq}  t_ns {f.TimeNs}  stage {f.StageId}  status {f.Status}"));
        }
    }

    public static void Lineage(TextWriter o, TraceLineage l)
    {
        IEnumerable<ulong> parents = l.Links.Where(e => e.TraceId == l.TraceId).Select(e => e.ParentTraceId);
        string from = parents.Any() ? "  <- " + string.Join(", ", parents.Select(p => p.ToString(CultureInfo.InvariantCulture))) : "";
        o.WriteLine($"trace {TraceIdText.Describe(l.TraceId)}{(l.IsRoot ? "  root" : "")}{from}");
        Frames(o, l.Frames, "  ");
        Section(o, "ancestors", l.Ancestors, l);
        Section(o, "descendants", l.Descendants, l);
        o.WriteLine("roots: " + (l.Roots.Any() ? string.Join(", ", l.Roots.Select(r => r.ToString(CultureInfo.InvariantCulture))) : "(none within the depth)"));
        if (l.Truncated)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(links continue beyond depth {l.MaxDepth}: use --depth to see more)"));
        }
    }

    private static void Section(TextWriter o, string name, IReadOnlyList<LineageTrace> traces, TraceLineage l)
    {
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {traces.Count}"));
        foreach (LineageTrace t in traces)
        {
            IEnumerable<ulong> parents = l.Links.Where(e => e.TraceId == t.TraceId).Select(e => e.ParentTraceId);
            string from = parents.Any() ? "  <- " + string.Join(", ", parents.Select(p => p.ToString(CultureInfo.InvariantCulture))) : "";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [{t.Depth}] trace {TraceIdText.Describe(t.TraceId)}{(t.IsRoot ? "  root" : "")}{from}"));
            Frames(o, t.Frames, "      ");
        }
    }
}
