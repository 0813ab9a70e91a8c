using System.Buffers.Binary;
using System.Globalization;
using TensorPool.Sbe.Generator.Model;

namespace TensorPool.Fuzz;

/// <summary>
/// Random messages of a schema, built from the generator's model of it: the 8-byte header, a block whose fields hold
/// random values (known enum values most of the time, null sentinels, extremes), then every group (0 to 3 entries,
/// nested groups included) and var-data section in schema order. Structurally valid, so mutations start past the
/// first checks.
/// </summary>
internal sealed class SbeMessageGenerator
{
    private readonly SbeSchema _schema;

    public SbeMessageGenerator(SbeSchema schema)
    {
        _schema = schema;
    }

    public static SbeSchema Load(string schemaFile) =>
        SchemaParser.Parse(File.ReadAllText(schemaFile), Path.GetFileName(schemaFile));

    public IReadOnlyList<Container> Messages => _schema.Messages;

    public byte[] Generate(Random random) => Generate(_schema.Messages[random.Next(_schema.Messages.Count)], random);

    public byte[] Generate(Container message, Random random)
    {
        var bytes = new List<byte>(256);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)message.BlockLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)message.Id);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], _schema.Id);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], _schema.Version);
        bytes.AddRange(header.ToArray());
        AppendContainer(bytes, message, random);
        return [.. bytes];
    }

    private static void AppendContainer(List<byte> bytes, Container c, Random random)
    {
        var block = new byte[c.BlockLength];
        foreach (Field f in c.Fields)
        {
            if (f.Size > 0 && f.Offset + f.Size <= block.Length)
            {
                WriteField(block.AsSpan(f.Offset, f.Size), f, random);
            }
        }
        bytes.AddRange(block);
        foreach (Section s in c.Sections)
        {
            if (s.Group is { } group)
            {
                int count = random.Next(4);
                bytes.Add((byte)group.BlockLength);
                bytes.Add((byte)(group.BlockLength >> 8));
                bytes.Add((byte)count);
                bytes.Add(0);
                for (int i = 0; i < count; i++)
                {
                    AppendContainer(bytes, group, random);
                }
            }
            else
            {
                int length = random.Next(3) == 0 ? 0 : random.Next(1, 48);
                bytes.AddRange(BitConverter.GetBytes((uint)length));
                for (int i = 0; i < length; i++)
                {
                    bytes.Add(s.Var!.IsText ? (byte)random.Next(0x20, 0x7F) : (byte)random.Next(256));
                }
            }
        }
    }

    private static void WriteField(Span<byte> target, Field f, Random random)
    {
        if (f.Kind == FieldKind.Enum && f.Enum is { Values.Count: > 0 } e && random.Next(5) != 0)
        {
            WriteInteger(target, f.Primitive.Size, EnumValue(e.Values[random.Next(e.Values.Count)].Value));
            return;
        }
        switch (random.Next(6))
        {
            case 0:
                target.Fill(0xFF); // the null sentinel of unsigned fields
                break;
            case 1:
                target.Clear();
                break;
            default:
                random.NextBytes(target);
                break;
        }
    }

    private static long EnumValue(string literal) =>
        long.TryParse(literal, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : literal.Length > 0 ? literal[0] : 0;

    private static void WriteInteger(Span<byte> target, int width, long value)
    {
        for (int i = 0; i < width && i < target.Length; i++)
        {
            target[i] = (byte)(value >> (8 * i));
        }
    }
}
