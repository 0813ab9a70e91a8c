using System.Globalization;
using System.Text.Json;

namespace TensorPool.Cli.Supervisor;

/// <summary>
/// <c>tp status --supervisor FILE</c>: the supervisor's live model from its status file — the file's JSON as it is
/// with <c>--json</c>, else a table of its streams and the consumers it supervises.
/// </summary>
internal static class SupervisorStatusView
{
    private static readonly string[] StreamHeader = ["STREAM", "NAME", "EPOCH", "PRODUCER", "FRAMES/S", "CONSUMERS"];

    private static readonly string[] ConsumerHeader = ["STREAM", "CONSUMER", "ASKED", "MODE", "SHM", "POLICY", "DESCRIPTORS", "CAP HZ", "RELAYED", "CAPPED", "SEEN MS AGO"];

    public static int Show(string path, bool json, TextWriter output, TextWriter error)
    {
        string text;
        JsonDocument doc;
        try
        {
            text = File.ReadAllText(path);
            doc = JsonDocument.Parse(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException or NotSupportedException)
        {
            error.WriteLine($"tp status: supervisor status file {path}: {e.Message}".ReplaceLineEndings(" "));
            return TpCommand.ExitBadInput;
        }
        using (doc)
        {
            if (json)
            {
                output.WriteLine(text.Trim());
                return TpCommand.ExitOk;
            }
            JsonElement root = doc.RootElement;
            var rows = new List<string[]> { StreamHeader };
            foreach (JsonElement s in Items(root, "streams"))
            {
                rows.Add([Text(s, "streamId"), Text(s, "name"), Text(s, "epoch"), Text(s, "producerId"), Text(s, "framesPerSecond"), Text(s, "consumers")]);
            }
            Table(output, rows);
            output.WriteLine();
            rows = [ConsumerHeader];
            foreach (JsonElement c in Items(root, "consumers"))
            {
                string descriptors = Text(c, "descriptorStreamId") == "0" ? "shared" : $"{Text(c, "descriptorChannel")}:{Text(c, "descriptorStreamId")}";
                rows.Add([Text(c, "streamId"), Text(c, "consumerId"), Text(c, "requestedMode"), Text(c, "mode"), Text(c, "useShm"), Text(c, "policy"),
                    descriptors, Text(c, "rateCapHz"), Text(c, "relayedMessages"), Text(c, "rateCappedMessages"), Text(c, "lastSeenAgeMs")]);
            }
            Table(output, rows);
            return TpCommand.ExitOk;
        }
    }

    private static List<JsonElement> Items(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement a) && a.ValueKind == JsonValueKind.Array
            ? [.. a.EnumerateArray()]
            : [];

    /// <summary>A field as printable text (the file is another process's output: hostile until shown safely).</summary>
    private static string Text(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out JsonElement v))
        {
            return "";
        }
        string raw = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() ?? "",
            JsonValueKind.Number when v.TryGetDouble(out double d) && d != Math.Floor(d) => d.ToString("0.0", CultureInfo.InvariantCulture),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "yes",
            JsonValueKind.False => "no",
            JsonValueKind.Null => "-",
            _ => "?",
        };
        return new string([.. raw.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?')]);
    }

    private static void Table(TextWriter output, List<string[]> rows)
    {
        int columns = rows[0].Length;
        int[] widths = [.. Enumerable.Range(0, columns).Select(i => rows.Max(r => r[i].Length))];
        foreach (string[] row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
