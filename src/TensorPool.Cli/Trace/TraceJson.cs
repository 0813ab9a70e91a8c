using System.Text;
using System.Text.Json;
using TensorPool.TraceLink;
using TensorPool.TraceLink.Store;

namespace TensorPool.Cli.Trace;

/// <summary>The JSON forms of <c>tp trace</c> (camelCase keys, one object, no reflection).</summary>
internal static class TraceJson
{
    public static string Object(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void TraceParts(Utf8JsonWriter w, ulong traceId)
    {
        w.WriteNumber("traceId", traceId);
        w.WriteNumber("timestampMs", TraceId.TimestampMs(traceId));
        w.WriteNumber("nodeId", TraceId.NodeId(traceId));
        w.WriteNumber("sequence", TraceId.Sequence(traceId));
    }

    public static void Frames(Utf8JsonWriter w, string name, IReadOnlyList<TraceFrameRow> frames)
    {
        w.WriteStartArray(name);
        foreach (TraceFrameRow f in frames)
        {
            w.WriteStartObject();
            w.WriteNumber("streamId", f.StreamId);
            w.WriteNumber("epoch", f.Epoch);
            w.WriteNumber("seq", f.Seq);
            w.WriteNumber("stageId", f.StageId);
            w.WriteNumber("tNs", f.TimeNs);
            w.WriteNumber("traceId", f.TraceId);
            w.WriteNumber("status", f.Status);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void Lineage(Utf8JsonWriter w, TraceLineage lineage)
    {
        TraceParts(w, lineage.TraceId);
        w.WriteBoolean("isRoot", lineage.IsRoot);
        Frames(w, "frames", lineage.Frames);
        Traces(w, "ancestors", lineage.Ancestors);
        Traces(w, "descendants", lineage.Descendants);
        w.WriteStartArray("roots");
        foreach (ulong root in lineage.Roots)
        {
            w.WriteNumberValue(root);
        }
        w.WriteEndArray();
        w.WriteStartArray("links");
        foreach (TraceEdge e in lineage.Links)
        {
            w.WriteStartObject();
            w.WriteNumber("traceId", e.TraceId);
            w.WriteNumber("parentTraceId", e.ParentTraceId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("maxDepth", lineage.MaxDepth);
        w.WriteBoolean("truncated", lineage.Truncated);
    }

    private static void Traces(Utf8JsonWriter w, string name, IReadOnlyList<LineageTrace> traces)
    {
        w.WriteStartArray(name);
        foreach (LineageTrace t in traces)
        {
            w.WriteStartObject();
            TraceParts(w, t.TraceId);
            w.WriteNumber("depth", t.Depth);
            w.WriteBoolean("isRoot", t.IsRoot);
            Frames(w, "frames", t.Frames);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
