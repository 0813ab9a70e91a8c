using System.Text;
using System.Text.Json;
using TensorPool.Sbe;

namespace TensorPool.Fuzz.Targets;

/// <summary>
/// <c>sbe-json</c>: the JSON form of messages <c>tp encode</c> reads. The only failure allowed is an
/// <see cref="SbeJsonException"/>; an accepted document encodes to bytes that decode, and whose JSON encodes to the
/// same bytes again.
/// </summary>
internal sealed class SbeJsonTarget(IReadOnlyList<SbeMessageGenerator> schemas) : IFuzzTarget
{
    public string Name => "sbe-json";

    public IEnumerable<byte[]> Seeds(Random random)
    {
        foreach (SbeMessageGenerator schema in schemas)
        {
            foreach (var message in schema.Messages)
            {
                byte[] bytes = schema.Generate(message, random);
                if (SbeJsonCodec.TryDecode(bytes, out string json, out _, out _))
                {
                    yield return Encoding.UTF8.GetBytes(json);
                }
            }
        }
    }

    public byte[]? Generate(Random random)
    {
        SbeMessageGenerator schema = schemas[random.Next(schemas.Count)];
        return SbeJsonCodec.TryDecode(schema.Generate(random), out string json, out _, out _) ? Encoding.UTF8.GetBytes(json) : null;
    }

    public string Run(byte[] input)
    {
        byte[] bytes;
        try
        {
            bytes = SbeJsonCodec.Encode(Encoding.UTF8.GetString(input));
        }
        catch (SbeJsonException e)
        {
            int colon = e.Message.IndexOf(':', StringComparison.Ordinal);
            return "rejected:" + (colon > 0 ? e.Message[..colon] : "?");
        }
        if (!SbeJsonCodec.TryDecode(bytes, out string json, out int length, out SbeRejectReason reason))
        {
            throw new FuzzFindingException($"encoded bytes are rejected by the decoder: {reason}");
        }
        if (length != bytes.Length)
        {
            throw new FuzzFindingException($"decoded {length} of {bytes.Length} encoded bytes");
        }
        if (!SbeJsonCodec.Encode(json).AsSpan().SequenceEqual(bytes))
        {
            throw new FuzzFindingException("decode then encode changed the bytes");
        }
        using JsonDocument doc = JsonDocument.Parse(json);
        return "ok:" + doc.RootElement.GetProperty("schemaId").GetRawText() + ":" + doc.RootElement.GetProperty("templateId").GetRawText();
    }

    /// <summary>JSON syntax and the keys of the form, for the mutator to insert.</summary>
    public static IReadOnlyList<byte[]> Dictionary { get; } = [.. new[]
    {
        "{", "}", "[", "]", ":", ",", "\"", "null", "true", "false", "-1", "0", "1e309", "-0", "1.5",
        "18446744073709551616", "4294967295", "65535", "\"schemaId\"", "\"templateId\"", "\"fields\"", "\"blockLength\"",
        "\"version\"", "\\u0000", "\\ud800", "\"\"", "{}", "[]",
    }.Select(Encoding.UTF8.GetBytes)];
}
