using System.Text.Json;
using TensorPool.Control;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.Cli.Status;

/// <summary>
/// <c>tp status --json</c>: one object per table on one line, <c>{"streams": [...], "messages": {...}}</c>; ages in
/// milliseconds since the message arrived; a value not reported yet is null (docs/user-guide.md, "tp status").
/// </summary>
internal static class StatusJson
{
    public static string Write(IReadOnlyList<StreamStatus> streams, StatusCounts counts, long nowNs)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, SbeJsonCodec.WriterOptions with { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteStartArray("streams");
            foreach (StreamStatus s in streams)
            {
                w.WriteStartObject();
                w.WriteNumber("streamId", s.StreamId);
                WriteOrNull(w, "name", s.Name);
                WriteOrNull(w, "epoch", s.Epoch);
                WriteOrNull(w, "producerId", s.ProducerId);
                WriteOrNull(w, "headerNslots", s.HeaderNslots);
                w.WriteStartArray("pools");
                foreach (PoolStatus p in s.Pools)
                {
                    w.WriteStartObject();
                    w.WriteNumber("poolId", p.PoolId);
                    w.WriteNumber("nslots", p.Nslots);
                    w.WriteNumber("strideBytes", p.StrideBytes);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                WriteOrNull(w, "currentSeq", s.CurrentSeq);
                WriteRate(w, s.FramesPerSecond);
                w.WriteBoolean("producerStale", s.ProducerStale);
                WriteAge(w, "announceAgeMs", s.LastAnnounceNs, nowNs);
                WriteAge(w, "lastSeenAgeMs", s.LastSeenNs, nowNs);
                w.WriteStartArray("consumers");
                foreach (ConsumerStatus c in s.Consumers)
                {
                    w.WriteStartObject();
                    w.WriteNumber("consumerId", c.ConsumerId);
                    WriteOrNull(w, "mode", ModeName(c.Mode));
                    w.WriteNumber("epoch", c.Epoch);
                    w.WriteNumber("lastSeqSeen", c.LastSeqSeen);
                    WriteOrNull(w, "lag", c.Lag);
                    w.WriteNumber("dropsGap", c.DropsGap);
                    w.WriteNumber("dropsLate", c.DropsLate);
                    WriteRate(w, c.FramesPerSecond);
                    WriteAge(w, "lastSeenAgeMs", c.LastSeenNs, nowNs);
                    w.WriteBoolean("stale", c.Stale);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("messages");
            w.WriteNumber("applied", counts.Applied);
            w.WriteNumber("ignored", counts.Ignored);
            w.WriteNumber("malformed", counts.Malformed);
            w.WriteNumber("overflowed", counts.Overflowed);
            w.WriteNumber("lost", counts.Lost);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>STREAM, RATE_LIMITED, the raw number of a mode the schema does not define, or null when none was reported.</summary>
    public static string? ModeName(Mode mode) =>
        (byte)mode == 0 ? null : mode.IsKnown() ? mode.ToSbeName() : ((byte)mode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static double AgeMs(long thenNs, long nowNs) => Math.Round((nowNs - thenNs) / 1e6, 1);

    private static void WriteRate(Utf8JsonWriter w, double? rate)
    {
        if (rate is { } r)
        {
            w.WriteNumber("framesPerSecond", Math.Round(r, 2));
        }
        else
        {
            w.WriteNull("framesPerSecond");
        }
    }

    private static void WriteAge(Utf8JsonWriter w, string name, long? thenNs, long nowNs)
    {
        if (thenNs is { } t)
        {
            w.WriteNumber(name, AgeMs(t, nowNs));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter w, string name, ulong? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
