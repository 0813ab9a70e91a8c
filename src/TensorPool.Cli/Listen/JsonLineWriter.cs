using System.Text.Json;
using TensorPool.Sbe;

namespace TensorPool.Cli.Listen;

/// <summary>
/// <c>tp listen --json</c>: one JSON object per line. A decoded message is exactly its <c>tp decode --json</c> form on one
/// line (so a line can be saved and replayed with <c>tp encode</c>); anything else is
/// <c>{"status":"unknown"|"invalid","reason":…,"reject":…,"length":…,"header":{…}|null,"hex":…}</c>.
/// </summary>
internal sealed class JsonLineWriter(TextWriter output, int hexLimit) : IMessageWriter
{
    public void Write(long number, ClassifiedMessage message)
    {
        if (message.Json is { } json)
        {
            output.WriteLine(json);
            return;
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + Math.Min(message.Bytes.Length, hexLimit) * 2);
        using (var w = new Utf8JsonWriter(buffer, SbeJsonCodec.WriterOptions with { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("status", message.Kind == MessageKind.Unknown ? "unknown" : "invalid");
            w.WriteString("reason", message.Reason);
            w.WriteString("reject", message.RejectName);
            w.WriteNumber("length", message.Bytes.Length);
            if (message.Header is { } h)
            {
                w.WriteStartObject("header");
                w.WriteNumber("blockLength", h.BlockLength);
                w.WriteNumber("templateId", h.TemplateId);
                w.WriteNumber("schemaId", h.SchemaId);
                w.WriteNumber("version", h.Version);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("header");
            }
            int shown = Math.Min(message.Bytes.Length, hexLimit);
            w.WriteString("hex", Convert.ToHexStringLower(message.Bytes, 0, shown));
            if (shown < message.Bytes.Length)
            {
                w.WriteNumber("hexOmittedBytes", message.Bytes.Length - shown);
            }
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
