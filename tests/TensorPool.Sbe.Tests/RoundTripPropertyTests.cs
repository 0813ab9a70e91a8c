using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using TensorPool.Sbe.Generator.Model;
using TensorPool.Testing;

namespace TensorPool.Sbe.Tests;

/// <summary>
/// Round trips with random values for every message of every schema: random field values (edges of
/// each type included), random group sizes and var-data lengths, encoded from JSON, decoded back to the
/// same JSON, and re-encoded to the same bytes. Values are generated from the schema model, so a new
/// message is covered without a new test.
/// </summary>
public class RoundTripPropertyTests
{
    public static IEnumerable<string> Messages()
    {
        foreach (string file in ReferenceFiles.Schemas())
        {
            SbeSchema schema = Load(file);
            foreach (Container m in schema.Messages)
            {
                yield return file + ":" + m.Name;
            }
        }
    }

    [TestCaseSource(nameof(Messages))]
    public void Random_messages_round_trip(string which)
    {
        string[] parts = which.Split(':');
        SbeSchema schema = Load(parts[0]);
        Container message = schema.Messages.Single(m => m.Name == parts[1]);

        Gen.Int[0, int.MaxValue].Sample(seed =>
        {
            var random = new Random(seed);
            var root = new JsonObject
            {
                ["schemaId"] = schema.Id,
                ["templateId"] = message.Id,
                ["fields"] = RandomFields(message, random),
            };
            byte[] bytes = SbeJsonCodec.Encode(root.ToJsonString());

            if (!SbeJsonCodec.TryDecode(bytes, out string json, out int length, out SbeRejectReason reason))
            {
                throw new AssertionException($"seed {seed}: rejected ({reason})");
            }
            JsonNode decoded = JsonNode.Parse(json)!;
            if (length != bytes.Length || !JsonNode.DeepEquals(decoded["fields"], root["fields"]))
            {
                throw new AssertionException($"seed {seed}:\nin  {root["fields"]!.ToJsonString()}\nout {decoded["fields"]!.ToJsonString()}");
            }
            if (!SbeJsonCodec.Encode(json).AsSpan().SequenceEqual(bytes))
            {
                throw new AssertionException($"seed {seed}: re-encoding differs");
            }
        }, iter: 300);
    }

    [Test]
    public void Frame_descriptor_typed_round_trip()
    {
        Gen.Select(Gen.UInt, Gen.ULong, Gen.ULong, Gen.ULong, Gen.UInt, Gen.ULong).Sample((stream, epoch, seq, ts, meta, trace) =>
        {
            Span<byte> buffer = stackalloc byte[48];
            var e = Wire.FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
            e.StreamId = stream;
            e.Epoch = epoch;
            e.Seq = seq;
            e.TimestampNs = ts;
            e.MetaVersion = meta;
            e.TraceId = trace;
            return Wire.FrameDescriptorDecoder.TryWrap(buffer, out var d)
                   && d.StreamId == stream && d.Epoch == epoch && d.Seq == seq
                   && d.TimestampNs == (ts == ulong.MaxValue ? null : ts)
                   && d.MetaVersion == (meta == uint.MaxValue ? null : meta)
                   && d.TraceId == (trace == 0 ? null : trace);
        }, iter: 2000);
    }

    [Test]
    public void Every_byte_of_text_var_data_survives_json_D33()
    {
        byte[] all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var buffer = new byte[512];
        var e = Wire.ControlResponseEncoder.WrapAndApplyHeader(buffer);
        e.PutErrorMessage(all);
        byte[] bytes = buffer[..e.EncodedLength];

        Assert.That(SbeJsonCodec.TryDecode(bytes, out string json, out _, out _), Is.True);
        Assert.That(SbeJsonCodec.Encode(json), Is.EqualTo(bytes));
    }

    private static SbeSchema Load(string file) =>
        SchemaParser.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "schemas", file)), file);

    private static JsonObject RandomFields(Container c, Random random)
    {
        var o = new JsonObject();
        foreach (Field f in c.Fields)
        {
            o[f.Name] = RandomField(f, random);
        }
        foreach (Section s in c.Sections)
        {
            if (s.Group is not null)
            {
                var entries = new JsonArray();
                int count = random.Next(4) == 0 ? 0 : random.Next(1, 4);
                for (int i = 0; i < count; i++)
                {
                    entries.Add(RandomFields(s.Group, random));
                }
                o[s.Name] = entries;
            }
            else
            {
                int length = random.Next(3) == 0 ? 0 : random.Next(1, 200);
                var bytes = new byte[length];
                random.NextBytes(bytes);
                o[s.Name] = s.Var!.IsText
                    ? new string(bytes.Select(b => (char)(b % 95 + 32)).ToArray())
                    : Convert.ToHexStringLower(bytes);
            }
        }
        return o;
    }

    private static JsonNode? RandomField(Field f, Random random)
    {
        switch (f.Kind)
        {
            case FieldKind.Constant:
                return JsonValue.Create(long.Parse(f.ConstantLiteral, CultureInfo.InvariantCulture));
            case FieldKind.Enum:
                if (f.IsOptional && random.Next(3) == 0)
                {
                    return null;
                }
                var values = f.Enum!.Values;
                return random.Next(8) == 0 && !f.IsOptional
                    ? JsonValue.Create(UnknownEnumValue(f))
                    : JsonValue.Create(values[random.Next(values.Count)].Key);
            case FieldKind.Array when f.Primitive.IsCharOrByte:
            {
                var bytes = new byte[f.ArrayLength];
                random.NextBytes(bytes);
                return Convert.ToHexStringLower(bytes);
            }
            case FieldKind.Array:
            {
                var array = new JsonArray();
                for (int i = 0; i < f.ArrayLength; i++)
                {
                    array.Add(RandomInteger(f, random, allowNull: false));
                }
                return array;
            }
            default:
                return f.IsOptional && random.Next(3) == 0 ? null : RandomInteger(f, random, allowNull: false);
        }
    }

    /// <summary>A raw value the enum does not define (the JSON form shows it as a number).</summary>
    private static long UnknownEnumValue(Field f)
    {
        long candidate = 200;
        while (f.Enum!.Values.Any(v => v.Value == candidate.ToString(CultureInfo.InvariantCulture)))
        {
            candidate++;
        }
        return candidate;
    }

    private static JsonNode RandomInteger(Field f, Random random, bool allowNull)
    {
        Primitive p = f.Primitive;
        string nullLiteral = f.IsOptional ? f.NullLiteral : "";
        while (true)
        {
            JsonNode value;
            int pick = random.Next(5);
            if (p.IsSigned)
            {
                long min = long.Parse(p.MinValue, CultureInfo.InvariantCulture) - 1;
                long max = long.Parse(p.MaxValue, CultureInfo.InvariantCulture);
                long v = pick switch { 0 => min, 1 => max, 2 => 0, _ => min + (long)(random.NextDouble() * ((double)max - min)) };
                v = Math.Clamp(v, min, max);
                if (v.ToString(CultureInfo.InvariantCulture) == nullLiteral && !allowNull)
                {
                    continue;
                }
                value = JsonValue.Create(v);
            }
            else
            {
                ulong max = ulong.Parse(p.MaxValue, CultureInfo.InvariantCulture) + 1;
                ulong v = pick switch { 0 => 0, 1 => max, 2 => 1, _ => (ulong)(random.NextDouble() * max) };
                v = Math.Min(v, max);
                if (v.ToString(CultureInfo.InvariantCulture) == nullLiteral && !allowNull)
                {
                    continue;
                }
                value = JsonValue.Create(v);
            }
            return value;
        }
    }
}
