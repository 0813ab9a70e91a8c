using System.Globalization;
using System.Text.Json;
using TensorPool.Cli.Messages;

namespace TensorPool.Cli.Listen;

/// <summary>
/// <c>tp listen</c> without <c>--json</c>: a numbered title line per message, then its fields as <c>tp decode</c> prints
/// them, or, for bytes not decoded, the reason, the header and a hex dump.
/// </summary>
internal sealed class TextMessageWriter(TextWriter output, int hexLimit) : IMessageWriter
{
    public void Write(long number, ClassifiedMessage message)
    {
        string n = "#" + number.ToString(CultureInfo.InvariantCulture);
        if (message.Json is { } json)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            output.WriteLine(n + " " + MessageText.Title(doc.RootElement));
            MessageText.WriteFields(output, doc.RootElement, "  ");
            return;
        }
        output.WriteLine($"{n} {(message.Kind == MessageKind.Unknown ? "unknown" : "invalid")}: {message.Reason}");
        if (message.Header is { } h)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  header: blockLength {h.BlockLength}, templateId {h.TemplateId}, schemaId {h.SchemaId}, version {h.Version}; {message.Bytes.Length} bytes"));
        }
        MessageText.WriteHexDump(output, message.Bytes, "  ", hexLimit);
    }
}
