using System.Text.Json.Nodes;
using TensorPool.Sbe;

namespace TensorPool.Fuzz.Targets;

/// <summary>
/// The generated codecs of one schema (<c>sbe-wire</c>, <c>sbe-driver</c>, <c>sbe-discovery</c>,
/// <c>sbe-joinbarrier</c>, <c>sbe-tracelink</c>): every input goes through the demultiplexer (what transports call)
/// and the JSON decoder (which reads every field, group entry and var-data section). Invariants: both agree on
/// accept/reject and the reason; an accepted message's length lies within the input; its JSON encodes to a message
/// that decodes to the same fields.
/// </summary>
internal sealed class SbeSchemaTarget : IFuzzTarget
{
    private readonly SbeMessageGenerator _generator;

    public SbeSchemaTarget(string name, string schemaFile)
    {
        Name = name;
        _generator = new SbeMessageGenerator(SbeMessageGenerator.Load(schemaFile));
    }

    public string Name { get; }

    public IEnumerable<byte[]> Seeds(Random random)
    {
        foreach (var message in _generator.Messages)
        {
            for (int i = 0; i < 3; i++)
            {
                yield return _generator.Generate(message, random);
            }
        }
    }

    public byte[]? Generate(Random random) => _generator.Generate(random);

    public string Run(byte[] input)
    {
        SbeRejectReason reason = SbeDemultiplexer.Dispatch(input, NullHandler.Instance);
        bool decoded = SbeJsonCodec.TryDecode(input, out string json, out int length, out SbeRejectReason again);
        if (decoded != (reason == SbeRejectReason.None) || again != reason)
        {
            throw new FuzzFindingException($"the demultiplexer says {reason}, the JSON decoder {(decoded ? "accepted" : again)}");
        }
        string template = input.Length >= 4 ? BitConverter.ToUInt16(input, 2).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
        if (!decoded)
        {
            // Outcomes steer the corpus: an unknown template or schema is one outcome, whatever its number.
            return reason is SbeRejectReason.UnknownTemplate or SbeRejectReason.UnknownSchema ? reason.ToString() : reason + ":" + template;
        }
        if (length < 8 || length > input.Length)
        {
            throw new FuzzFindingException($"decoded length {length} of a {input.Length}-byte input");
        }
        JsonNode first = JsonNode.Parse(json)!;
        // The decoded form names the wire's block length and version; encoding writes this schema's (D29), so the
        // round trip compares fields only.
        var canonical = first.DeepClone().AsObject();
        canonical.Remove("blockLength");
        canonical.Remove("version");
        byte[] again2;
        try
        {
            again2 = SbeJsonCodec.Encode(canonical.ToJsonString());
        }
        catch (SbeJsonException e)
        {
            throw new FuzzFindingException("the JSON of a decoded message does not encode: " + e.Message, e);
        }
        if (!SbeJsonCodec.TryDecode(again2, out string json2, out _, out SbeRejectReason reason2))
        {
            throw new FuzzFindingException($"a re-encoded message is rejected: {reason2}");
        }
        if (!JsonNode.DeepEquals(first["fields"], JsonNode.Parse(json2)!["fields"]))
        {
            throw new FuzzFindingException($"round trip changed the fields:\nin  {first["fields"]!.ToJsonString()}\nout {JsonNode.Parse(json2)!["fields"]!.ToJsonString()}");
        }
        return "ok:" + template;
    }

    private sealed class NullHandler : SbeMessageHandler
    {
        public static readonly NullHandler Instance = new();
    }
}
