using System.Globalization;
using TensorPool.TraceLink;

namespace TensorPool.Cli.Trace;

/// <summary>Trace ids on the command line: decimal or 0x-hexadecimal in, decimal with their parts out.</summary>
internal static class TraceIdText
{
    /// <summary>The trace id <paramref name="text"/> names, or false and a one-line error.</summary>
    public static bool TryParse(string? text, out ulong traceId, out string error)
    {
        traceId = 0;
        error = "";
        string t = (text ?? "").Trim();
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out traceId)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out traceId);
        if (!ok)
        {
            error = $"trace id '{text}' must be a decimal or 0x-hexadecimal 64-bit number";
            return false;
        }
        if (traceId == TraceId.Null)
        {
            error = "trace id 0 is the null trace id (TraceLink §8.1: no trace)";
            return false;
        }
        return true;
    }

    /// <summary>"123 (2025-06-01T12:00:00.123Z, node 7, seq 3)": the id and its Snowflake parts (§6.1).</summary>
    public static string Describe(ulong traceId)
    {
        long ms = TraceId.TimestampMs(traceId);
        string when = ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : ms.ToString(CultureInfo.InvariantCulture) + " ms";
        return string.Create(CultureInfo.InvariantCulture, $"{traceId} ({when}, node {TraceId.NodeId(traceId)}, seq {TraceId.Sequence(traceId)})");
    }
}
