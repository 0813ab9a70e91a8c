using TensorPool.Sbe.Generator.Model;

namespace TensorPool.Sbe.Generator.Emit;

/// <summary>Per schema: the {Name}Schema class (ids, names, JSON, dispatch) and the I{Name}MessageHandler interface.</summary>
internal static class SchemaEmitter
{
    public static string HandlerInterface(SbeSchema s) => "I" + s.Name + "MessageHandler";

    public static string SchemaClass(SbeSchema s) => s.Name + "Schema";

    public static void Emit(CodeWriter w, SbeSchema s)
    {
        string h = HandlerInterface(s);
        w.Summary($"Receives the decoded messages of schema {s.Id} from {SchemaClass(s)}.Dispatch (one method a message; the decoder is valid during the call).");
        w.Open($"public interface {h}");
        foreach (Container m in s.Messages)
        {
            w.Line($"void On{Names.Pascal(m.Name)}(in {Names.Decoder(m)} message);");
        }
        w.Close();
        w.Line();
        w.Summary($"Schema {s.Id} ({s.Package}) version {s.Version}: ids, message names, JSON and dispatch by templateId.");
        w.Open($"public static class {SchemaClass(s)}");
        w.Line($"public const ushort Id = {s.Id};");
        w.Line($"public const ushort Version = {s.Version};");
        w.Line($"public const string Package = {Names.Quote(s.Package)};");
        w.Line();
        w.SwitchExpression("The message name of a template id, or null when the schema has none.",
            "public static string? MessageName(ushort templateId) => templateId switch", s.Messages,
            m => $"{m.Id} => {Names.Quote(m.Name)}", "_ => null");
        w.Summary("The template id of a message name.");
        w.Open("public static bool TryGetTemplateId(string messageName, out ushort templateId)");
        w.Open("switch (messageName)");
        foreach (Container m in s.Messages)
        {
            w.Line($"case {Names.Quote(m.Name)}: templateId = {m.Id}; return true;");
        }
        w.Line("default: templateId = 0; return false;");
        w.Close();
        w.Close();
        w.Line();
        w.Summary("Reads the message header and checks it names this schema (Truncated, WrongSchemaId or None).");
        w.Line(Names.Inline);
        w.Open("public static SbeRejectReason CheckHeader(ReadOnlySpan<byte> buffer, out SbeMessageHeader header)");
        w.Line("return !SbeMessageHeader.TryRead(buffer, out header) ? SbeRejectReason.Truncated");
        w.Line("    : header.SchemaId != Id ? SbeRejectReason.WrongSchemaId : SbeRejectReason.None;");
        w.Close();
        w.Line();
        w.Summary("Decodes one message of the schema (with header) and hands it to the handler; returns why not when it cannot.");
        w.Open($"public static SbeRejectReason Dispatch<THandler>(ReadOnlySpan<byte> buffer, ref THandler handler) where THandler : {h}, allows ref struct");
        w.Line("SbeRejectReason reason = CheckHeader(buffer, out SbeMessageHeader header);");
        w.Open("if (reason != SbeRejectReason.None)");
        w.Line("return reason;");
        w.Close();
        w.Open("switch (header.TemplateId)");
        foreach (Container m in s.Messages)
        {
            w.Open($"case {m.Id}:");
            w.Open($"if ({Names.Decoder(m)}.TryWrap(buffer, out {Names.Decoder(m)} message, out reason))");
            w.Line($"handler.On{Names.Pascal(m.Name)}(in message);");
            w.Close();
            w.Line("return reason;");
            w.Close();
        }
        w.Line("default:");
        w.Line("    return SbeRejectReason.UnknownTemplate;");
        w.Close();
        w.Close();
        w.Line();
        w.Summary("Decodes one message (with header) as a JSON object; false with a reason when the bytes do not fit the schema.");
        w.Open("public static bool TryWriteJson(ReadOnlySpan<byte> buffer, Utf8JsonWriter writer, out SbeRejectReason reason)");
        w.Line("reason = CheckHeader(buffer, out SbeMessageHeader header);");
        w.Open("if (reason != SbeRejectReason.None)");
        w.Line("return false;");
        w.Close();
        w.Open("switch (header.TemplateId)");
        foreach (Container m in s.Messages)
        {
            w.Line($"case {m.Id}: return {Names.Decoder(m)}.TryWriteJson(buffer, writer, out reason);");
        }
        w.Line("default: reason = SbeRejectReason.UnknownTemplate; return false;");
        w.Close();
        w.Close();
        w.Line();
        w.SwitchExpression("Encodes a message of the schema from the JSON form of its fields; returns the length written.",
            "public static int EncodeJson(ushort templateId, JsonElement fields, Span<byte> buffer) => templateId switch", s.Messages,
            m => $"{m.Id} => {Names.Encoder(m)}.EncodeJson(fields, buffer)",
            $"_ => throw new SbeJsonException(\"templateId: schema {s.Id} has no template \" + templateId)");
        w.SwitchExpression("The block length the schema encodes a template with (0 for an unknown template).",
            "public static int BlockLengthOf(ushort templateId) => templateId switch", s.Messages,
            m => $"{m.Id} => {m.BlockLength}", "_ => 0");
        w.Close();
    }
}
