using System.Text.Encodings.Web;
using System.Text.Json;

namespace TensorPool.Sbe;

/// <summary>
/// The JSON form of one message, as `tp decode --json` prints it and `tp encode` reads it: an object
/// with blockLength, fields, length, message, schemaId, templateId and version, keys sorted, one-space
/// indent (the form of the reference .json files). Not for hot paths: it allocates.
/// </summary>
public static class SbeJsonCodec
{
    private static readonly string[] TopLevelKeys = ["blockLength", "fields", "length", "message", "schemaId", "templateId", "version"];

    /// <summary>Writer options of the JSON form: one-space indent, \n, text kept as is (no HTML escaping).</summary>
    public static JsonWriterOptions WriterOptions => new()
    {
        Indented = true,
        IndentSize = 1,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Decodes the message at the start of <paramref name="buffer"/> to its JSON form. Returns false with
    /// the reason when no schema of this library accepts the bytes; <paramref name="length"/> is the number
    /// of bytes the message occupies (the buffer may hold more).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, out string json, out int length, out SbeRejectReason reason)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(output, WriterOptions))
        {
            if (!SbeSchemas.TryWriteJson(buffer, writer, out reason))
            {
                json = "";
                length = 0;
                return false;
            }
        }
        json = System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
        using JsonDocument doc = JsonDocument.Parse(output.WrittenMemory);
        length = doc.RootElement.GetProperty("length").GetInt32();
        return true;
    }

    /// <summary>Encodes a message from its JSON form; throws <see cref="SbeJsonException"/> naming what is wrong.</summary>
    public static byte[] Encode(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new SbeJsonException($"not JSON: {e.Message}", e);
        }
        using (doc)
        {
            return Encode(doc.RootElement);
        }
    }

    /// <summary>Encodes a message from its JSON form (an object as <see cref="TryDecode"/> writes it).</summary>
    public static byte[] Encode(JsonElement root)
    {
        try
        {
            return EncodeChecked(root);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json refuses text it parsed but cannot read as a string, such as a lone surrogate
            // escape ("\ud800") in a key or value (found by the sbe-json fuzz target): bad input, not a crash.
            throw new SbeJsonException("not valid JSON text: " + e.Message, e);
        }
    }

    private static byte[] EncodeChecked(JsonElement root)
    {
        SbeJson.CheckObject(root, "", TopLevelKeys);
        (ushort schemaId, ushort templateId) = Identify(root);
        int blockLength = SbeSchemas.BlockLengthOf(schemaId, templateId);
        if (SbeJson.TryGet(root, "blockLength", out JsonElement bl) && SbeJson.ToUnsigned(bl, "blockLength", ushort.MaxValue) != (ulong)blockLength)
        {
            throw new SbeJsonException($"blockLength: the schema encodes this message with a {blockLength}-byte block");
        }
        int version = SbeSchemas.VersionOf(schemaId);
        if (SbeJson.TryGet(root, "version", out JsonElement ver) && SbeJson.ToUnsigned(ver, "version", ushort.MaxValue) != (ulong)version)
        {
            throw new SbeJsonException($"version: the schema encodes version {version}");
        }
        if (!SbeJson.TryGet(root, "fields", out JsonElement fields))
        {
            throw SbeJson.Missing("", "fields");
        }
        for (int capacity = 4096 + (2 * fields.GetRawText().Length); ; capacity *= 2)
        {
            var buffer = new byte[capacity];
            try
            {
                int length = SbeSchemas.EncodeJson(schemaId, templateId, fields, buffer);
                return buffer[..length];
            }
            catch (SbeBufferTooSmallException) when (capacity < (1 << 30))
            {
                // Mostly absent optional fields and empty entries: grow and encode again.
            }
            catch (ArgumentException e) when (e is not SbeBufferTooSmallException)
            {
                throw new SbeJsonException($"fields: {e.Message}", e);
            }
        }
    }

    private static (ushort SchemaId, ushort TemplateId) Identify(JsonElement root)
    {
        string? name = SbeJson.TryGet(root, "message", out JsonElement m)
            ? (m.ValueKind == JsonValueKind.String ? m.GetString() : throw new SbeJsonException("message: expected a message name"))
            : null;
        bool hasSchema = SbeJson.TryGet(root, "schemaId", out JsonElement s);
        bool hasTemplate = SbeJson.TryGet(root, "templateId", out JsonElement t);
        if (hasSchema && hasTemplate)
        {
            var schemaId = (ushort)SbeJson.ToUnsigned(s, "schemaId", ushort.MaxValue);
            var templateId = (ushort)SbeJson.ToUnsigned(t, "templateId", ushort.MaxValue);
            string? known = SbeSchemas.MessageName(schemaId, templateId);
            if (known is null)
            {
                throw new SbeJsonException($"schemaId/templateId: no message {schemaId}/{templateId} is known");
            }
            if (name is not null && name != known)
            {
                throw new SbeJsonException($"message: '{name}' does not match schemaId {schemaId} templateId {templateId} ({known})");
            }
            return (schemaId, templateId);
        }
        if (name is not null && !hasSchema && !hasTemplate)
        {
            return SbeSchemas.TryFindMessage(name, out ushort schemaId, out ushort templateId)
                ? (schemaId, templateId)
                : throw new SbeJsonException($"message: no message named '{name}' is known");
        }
        throw new SbeJsonException("give schemaId and templateId, or the message name alone");
    }
}
