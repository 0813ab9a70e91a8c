using System.Text.Json;
using TensorPool.Cli.Messages;
using TensorPool.Sbe;

namespace TensorPool.Cli.Listen;

/// <summary>
/// One message as <c>tp listen</c> received it, read as hostile input: decoded by whichever schema its header names
/// (<see cref="SbeSchemas"/>: wire 900, driver 901, join barrier 903, tracelink 904, discovery 910), or kept as bytes
/// with the header (when one could be read) and the reason it was not decoded. Never throws on any bytes.
/// </summary>
internal sealed class ClassifiedMessage
{
    private ClassifiedMessage(MessageKind kind, byte[] bytes, SbeMessageHeader? header, SbeRejectReason reject, string reason, string? json)
    {
        Kind = kind;
        Bytes = bytes;
        Header = header;
        Reject = reject;
        Reason = reason;
        Json = json;
    }

    public MessageKind Kind { get; }

    /// <summary>A copy of the message bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>The SBE message header, when the bytes held one.</summary>
    public SbeMessageHeader? Header { get; }

    /// <summary>Why the bytes were not decoded (<see cref="SbeRejectReason.None"/> when they were or when bytes trail the message).</summary>
    public SbeRejectReason Reject { get; }

    /// <summary>The rule broken, in words: "unknown schemaId 1234 (known: …)", "8 bytes after the 48-byte FrameDescriptor message".</summary>
    public string Reason { get; }

    /// <summary>The JSON form of a decoded message on one line (the form of <c>tp decode --json</c>), or null.</summary>
    public string? Json { get; }

    /// <summary>A short name for the rule broken, for scripts: the reject reason, <c>TrailingBytes</c> or <c>NoHeader</c>.</summary>
    public string RejectName => Kind == MessageKind.Decoded ? "" : Header is null ? "NoHeader" : Reject == SbeRejectReason.None ? "TrailingBytes" : Reject.ToString();

    public static ClassifiedMessage Classify(ReadOnlySpan<byte> message)
    {
        byte[] bytes = message.ToArray();
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header))
        {
            return new(MessageKind.Invalid, bytes, null, SbeRejectReason.Truncated,
                $"{message.Length} bytes: too short for a message header (8 bytes)", null);
        }
        var output = new System.Buffers.ArrayBufferWriter<byte>(256);
        SbeRejectReason reject;
        bool decoded;
        using (var writer = new Utf8JsonWriter(output, SbeJsonCodec.WriterOptions with { Indented = false }))
        {
            decoded = SbeSchemas.TryWriteJson(message, writer, out reject);
        }
        if (!decoded)
        {
            MessageKind kind = reject is SbeRejectReason.UnknownSchema or SbeRejectReason.UnknownTemplate ? MessageKind.Unknown : MessageKind.Invalid;
            return new(kind, bytes, header, reject, MessageText.Describe(header, reject), null);
        }
        int length;
        using (JsonDocument doc = JsonDocument.Parse(output.WrittenMemory))
        {
            length = doc.RootElement.GetProperty("length").GetInt32();
        }
        if (length != message.Length)
        {
            // A transport message carries exactly one SBE message; bytes after it are not ours to interpret.
            return new(MessageKind.Invalid, bytes, header, SbeRejectReason.None,
                $"{message.Length - length} bytes after the {length}-byte {SbeSchemas.MessageName(header.SchemaId, header.TemplateId)} message", null);
        }
        return new(MessageKind.Decoded, bytes, header, SbeRejectReason.None, "", System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
