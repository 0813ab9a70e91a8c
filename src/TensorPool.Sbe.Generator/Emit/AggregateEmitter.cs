using System.Collections.Generic;
using System.Linq;
using TensorPool.Sbe.Generator.Model;

namespace TensorPool.Sbe.Generator.Emit;

/// <summary>
/// Across the schemas of one assembly: the demultiplexer (schemaId, then templateId), a handler base
/// class with a no-op per message, and JSON by schema. When two schemas share an id the newest version wins.
/// </summary>
internal static class AggregateEmitter
{
    public static string Emit(string ns, IReadOnlyList<SbeSchema> all)
    {
        List<SbeSchema> schemas = all.GroupBy(s => s.Id).Select(g => g.OrderByDescending(s => s.Version).First()).OrderBy(s => s.Id).ToList();
        var w = new CodeWriter();
        w.FileHeader(ns);
        string Full(SbeSchema s, string type) => $"global::TensorPool.Sbe.{s.Name}.{type}";

        w.Summary("Handles every message of the schemas in this assembly (see SbeDemultiplexer).");
        string bases = string.Join(", ", schemas.Select(s => Full(s, SchemaEmitter.HandlerInterface(s))));
        w.Line($"public interface ISbeMessageHandler : {bases}");
        w.Line("{");
        w.Line("}");
        w.Line();
        w.Summary("A handler that ignores every message; override the ones you need.");
        w.Open("public abstract class SbeMessageHandler : ISbeMessageHandler");
        foreach (SbeSchema s in schemas)
        {
            foreach (Container m in s.Messages)
            {
                w.Line($"public virtual void On{Names.Pascal(m.Name)}(in {Full(s, Names.Decoder(m))} message) {{ }}");
            }
        }
        w.Close();
        w.Line();
        w.Summary("Routes a message to its decoder by the header's schemaId, then templateId, without allocating.");
        w.Open("public static class SbeDemultiplexer");
        w.Summary("Decodes the message and calls the handler's method for it; returns None, or why the bytes were not dispatched.");
        w.Open("public static SbeRejectReason Dispatch<THandler>(ReadOnlySpan<byte> buffer, ref THandler handler) where THandler : ISbeMessageHandler, allows ref struct");
        w.Open("if (!SbeMessageHeader.TryRead(buffer, out SbeMessageHeader header))");
        w.Line("return SbeRejectReason.Truncated;");
        w.Close();
        w.Open("return header.SchemaId switch");
        foreach (SbeSchema s in schemas)
        {
            w.Line($"{s.Id} => {Full(s, SchemaEmitter.SchemaClass(s))}.Dispatch(buffer, ref handler),");
        }
        w.Line("_ => SbeRejectReason.UnknownSchema,");
        w.Close(";");
        w.Close();
        w.Line();
        w.Summary("Dispatch to a handler class.");
        w.Line("public static SbeRejectReason Dispatch(ReadOnlySpan<byte> buffer, SbeMessageHandler handler) => Dispatch(buffer, ref handler);");
        w.Close();
        w.Line();
        w.Summary("The schemas of this assembly by id: names, JSON decode and encode.");
        w.Open("public static class SbeSchemas");
        w.Summary("Schema ids known to this assembly.");
        w.Line("public static ReadOnlySpan<ushort> Ids => [" + string.Join(", ", schemas.Select(s => Names.Int(s.Id))) + "];");
        w.Line();
        w.SwitchExpression("The message name for a schema and template id, or null.",
            "public static string? MessageName(ushort schemaId, ushort templateId) => schemaId switch", schemas,
            s => $"{s.Id} => {Full(s, SchemaEmitter.SchemaClass(s))}.MessageName(templateId)", "_ => null");
        w.Summary("Finds a message by name across the schemas.");
        w.Open("public static bool TryFindMessage(string messageName, out ushort schemaId, out ushort templateId)");
        foreach (SbeSchema s in schemas)
        {
            w.Open($"if ({Full(s, SchemaEmitter.SchemaClass(s))}.TryGetTemplateId(messageName, out templateId))");
            w.Line($"schemaId = {s.Id};");
            w.Line("return true;");
            w.Close();
        }
        w.Line("schemaId = 0;");
        w.Line("templateId = 0;");
        w.Line("return false;");
        w.Close();
        w.Line();
        w.SwitchExpression("The block length a schema encodes a template with (0 when unknown).",
            "public static int BlockLengthOf(ushort schemaId, ushort templateId) => schemaId switch", schemas,
            s => $"{s.Id} => {Full(s, SchemaEmitter.SchemaClass(s))}.BlockLengthOf(templateId)", "_ => 0");
        w.SwitchExpression("The version a schema encodes with (0 when unknown).",
            "public static int VersionOf(ushort schemaId) => schemaId switch", schemas, s => $"{s.Id} => {s.Version}", "_ => 0");
        w.Summary("Decodes one message (with header) as a JSON object; false with a reason when it cannot.");
        w.Open("public static bool TryWriteJson(ReadOnlySpan<byte> buffer, Utf8JsonWriter writer, out SbeRejectReason reason)");
        w.Open("if (!SbeMessageHeader.TryRead(buffer, out SbeMessageHeader header))");
        w.Line("reason = SbeRejectReason.Truncated;");
        w.Line("return false;");
        w.Close();
        w.Open("switch (header.SchemaId)");
        foreach (SbeSchema s in schemas)
        {
            w.Line($"case {s.Id}: return {Full(s, SchemaEmitter.SchemaClass(s))}.TryWriteJson(buffer, writer, out reason);");
        }
        w.Line("default: reason = SbeRejectReason.UnknownSchema; return false;");
        w.Close();
        w.Close();
        w.Line();
        w.SwitchExpression("Encodes a message from the JSON form of its fields; returns the length written.",
            "public static int EncodeJson(ushort schemaId, ushort templateId, JsonElement fields, Span<byte> buffer) => schemaId switch", schemas,
            s => $"{s.Id} => {Full(s, SchemaEmitter.SchemaClass(s))}.EncodeJson(templateId, fields, buffer)",
            "_ => throw new SbeJsonException(\"schemaId: no schema \" + schemaId + \" is known\")");
        w.Close();
        return w.ToString();
    }
}
