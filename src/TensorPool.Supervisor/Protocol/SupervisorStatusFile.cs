using System.Text.Json;
using Microsoft.Extensions.Logging;
using TensorPool.Control;
using TensorPool.Sbe.Wire;

namespace TensorPool.Supervisor.Protocol;

/// <summary>
/// The live model as a JSON file (<c>status_file</c>), replaced whole once a second (written beside it, then renamed:
/// a reader never sees half a file), for <c>tp status --supervisor FILE</c> and other tools. Ages are milliseconds.
/// </summary>
internal static class SupervisorStatusFile
{
    public static void Write(string path, SupervisorSnapshot snapshot, long nowNs, SupervisorCounters counters, ILogger log)
    {
        try
        {
            string temp = path + ".tmp";
            File.WriteAllBytes(temp, Json(snapshot, nowNs, counters));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            SupervisorLog.StatusFileFailed(log, path, e.Message);
        }
    }

    public static byte[] Json(SupervisorSnapshot s, long nowNs, SupervisorCounters counters)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteStartArray("streams");
            foreach (StreamStatus st in s.Streams)
            {
                w.WriteStartObject();
                w.WriteNumber("streamId", st.StreamId);
                w.WriteString("name", st.Name);
                WriteOrNull(w, "epoch", st.Epoch);
                WriteOrNull(w, "producerId", st.ProducerId);
                WriteOrNull(w, "currentSeq", st.CurrentSeq);
                w.WriteNumber("framesPerSecond", double.IsFinite(st.FramesPerSecond ?? 0) ? st.FramesPerSecond ?? 0 : 0);
                w.WriteBoolean("producerStale", st.ProducerStale);
                w.WriteNumber("consumers", st.Consumers.Count);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("consumers");
            foreach (SupervisedConsumerStatus c in s.Consumers)
            {
                w.WriteStartObject();
                w.WriteNumber("streamId", c.StreamId);
                w.WriteNumber("consumerId", c.ConsumerId);
                w.WriteString("requestedMode", c.RequestedMode.ToSbeName() ?? c.RequestedMode.ToString());
                w.WriteNumber("requestedMaxRateHz", c.RequestedMaxRateHz);
                w.WriteString("mode", c.Mode.ToSbeName() ?? c.Mode.ToString());
                w.WriteBoolean("useShm", c.UseShm);
                w.WriteString("payloadFallbackUri", c.PayloadFallbackUri);
                w.WriteString("policy", c.Policy);
                w.WriteString("descriptorChannel", c.DescriptorChannel);
                w.WriteNumber("descriptorStreamId", c.DescriptorStreamId);
                w.WriteString("controlChannel", c.ControlChannel);
                w.WriteNumber("controlStreamId", c.ControlStreamId);
                w.WriteNumber("rateCapHz", c.RateCapHz);
                w.WriteBoolean("relayed", c.Relayed);
                w.WriteNumber("relayedMessages", c.RelayedMessages);
                w.WriteNumber("rateCappedMessages", c.RateCappedMessages);
                w.WriteNumber("configsSent", c.ConfigsSent);
                w.WriteNumber("lastSeenAgeMs", Math.Max(0, (nowNs - c.LastSeenNs) / 1_000_000));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("counters");
            w.WriteNumber("hellos", counters.Hellos);
            w.WriteNumber("configs", counters.Configs);
            w.WriteNumber("idsAssigned", counters.IdsAssigned);
            w.WriteNumber("relayed", counters.Relayed);
            w.WriteNumber("rateCapped", counters.RateCapped);
            w.WriteNumber("malformed", counters.Malformed);
            w.WriteNumber("stale", counters.Stale);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
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

    private static void WriteOrNull(Utf8JsonWriter w, string name, uint? value)
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
