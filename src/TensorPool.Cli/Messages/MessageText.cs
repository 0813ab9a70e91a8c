using System.Globalization;
using System.Text.Json;
using TensorPool.Sbe;

namespace TensorPool.Cli.Messages;

/// <summary>
/// The readable forms of SBE messages that <c>tp decode</c> and <c>tp listen</c> print: a decoded message's JSON
/// form (<see cref="SbeJsonCodec"/>) as indented <c>name: value</c> lines, the reason a message was not decoded,
/// and raw bytes as a hex dump.
/// </summary>
internal static class MessageText
{
    /// <summary>Why bytes whose header was read were not decoded, naming the schema, template and rule.</summary>
    public static string Describe(SbeMessageHeader header, SbeRejectReason reason) => reason switch
    {
        SbeRejectReason.UnknownSchema => $"unknown schemaId {header.SchemaId} (known: {string.Join(", ", SbeSchemas.Ids.ToArray())})",
        SbeRejectReason.UnknownTemplate => $"schema {header.SchemaId} has no templateId {header.TemplateId}",
        _ => $"not a valid {SbeSchemas.MessageName(header.SchemaId, header.TemplateId)} message ({header}): {reason}",
    };

    /// <summary>The one-line description of a decoded message (its name, header values and length).</summary>
    public static string Title(JsonElement root) => string.Create(CultureInfo.InvariantCulture,
        $"{root.GetProperty("message").GetString()} (schemaId {root.GetProperty("schemaId")}, templateId {root.GetProperty("templateId")}, " +
        $"version {root.GetProperty("version")}, blockLength {root.GetProperty("blockLength")}, {root.GetProperty("length")} bytes)");

    /// <summary>Every field of a decoded message's JSON form, one <c>name: value</c> line each; groups entry by entry.</summary>
    public static void WriteFields(TextWriter output, JsonElement root, string indent) => WriteObject(output, root.GetProperty("fields"), indent);

    /// <summary>
    /// Bytes as lines of <c>offset  16 hex bytes</c>, at most <paramref name="limit"/> bytes, then a line saying how many
    /// more there were.
    /// </summary>
    public static void WriteHexDump(TextWriter output, ReadOnlySpan<byte> bytes, string indent, int limit)
    {
        int shown = Math.Min(bytes.Length, limit);
        var line = new System.Text.StringBuilder(indent.Length + 6 + 16 * 3);
        for (int offset = 0; offset < shown; offset += 16)
        {
            line.Clear().Append(indent).Append(offset.ToString("x4", CultureInfo.InvariantCulture)).Append(' ');
            foreach (byte b in bytes[offset..Math.Min(shown, offset + 16)])
            {
                line.Append(' ').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
            output.WriteLine(line.ToString());
        }
        if (shown < bytes.Length)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{indent}… {bytes.Length - shown} more bytes"));
        }
    }

    private static void WriteObject(TextWriter output, JsonElement obj, string indent)
    {
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Array && p.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object))
            {
                int n = p.Value.GetArrayLength();
                output.WriteLine($"{indent}{p.Name}: {n} {(n == 1 ? "entry" : "entries")}");
                int i = 0;
                foreach (JsonElement entry in p.Value.EnumerateArray())
                {
                    output.WriteLine($"{indent}  [{i++}]");
                    WriteObject(output, entry, indent + "    ");
                }
            }
            else
            {
                output.WriteLine($"{indent}{p.Name}: {Scalar(p.Value)}");
            }
        }
    }

    private static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null => "(absent)",
        JsonValueKind.String => JsonSerializer.Serialize(v.GetString()),
        _ => v.GetRawText().ReplaceLineEndings("").Replace(" ", "", StringComparison.Ordinal),
    };
}
