using System.Collections.Generic;
using System.Linq;
using TensorPool.Sbe.Generator.Model;

namespace TensorPool.Sbe.Generator.Emit;

/// <summary>
/// Encoders: a ref struct per message (over the caller's Span, or mapped shared memory for the SHM
/// layouts) and per group. Fixed fields are properties; groups and var data are written in schema
/// order through an <c>SbeEncoderCursor</c>, which keeps the buffer a whole message at every step.
/// </summary>
internal static class EncoderEmitter
{
    public static void EmitMessage(CodeWriter w, SbeSchema schema, Container m)
    {
        string t = Names.Encoder(m);
        bool sections = m.Sections.Count > 0;
        w.Summary($"Encoder of {m.Name}: schema {schema.Id}, template {m.Id}, block {m.BlockLength} bytes. "
                  + "WrapAndApplyHeader for messages, WrapBody for bodies without a header (SHM layouts).");
        w.Open($"public ref struct {t}");
        w.Line($"public const ushort SchemaId = {schema.Id};");
        w.Line($"public const ushort SchemaVersion = {schema.Version};");
        w.Line($"public const ushort TemplateId = {m.Id};");
        w.Line($"public const ushort BlockLength = {m.BlockLength};");
        w.Line($"public const string MessageName = {Names.Quote(m.Name)};");
        w.Summary("Header, block and empty sections: the smallest encoding of the message.");
        w.Line($"public const int MinEncodedLength = SbeMessageHeader.Size + BlockLength + {m.Sections.Count * Section.PlaceholderSize};");
        w.Line($"private const ulong Header = {HeaderLiteral(schema, m)};");
        w.Line();
        w.Line("private readonly Span<byte> _buffer;");
        w.Line("private readonly Span<byte> _block;");
        w.Line("private readonly int _blockOffset;");
        if (sections)
        {
            w.Line("private SbeEncoderCursor _cursor;");
            EmitPlaceholders(w, m);
        }
        w.Line();
        w.Open($"private {t}(Span<byte> buffer, int blockOffset)");
        w.Line("_buffer = buffer;");
        w.Line("_blockOffset = blockOffset;");
        w.Line("_block = buffer.Slice(blockOffset, BlockLength);");
        if (sections)
        {
            w.Line("_cursor = default;");
            w.Line("_cursor.Initialize(buffer, blockOffset + BlockLength, Placeholders);");
        }
        w.Close();
        w.Line();
        w.Summary("Writes the message header at the start of the buffer, zeroes the block and sets optional fields to null.");
        w.Line(Names.Inline);
        w.Open($"public static {t} WrapAndApplyHeader(Span<byte> buffer)");
        w.Line("SbeCodec.EnsureCapacity(buffer.Length, MinEncodedLength);");
        w.Line("SbeCodec.WriteUInt64(buffer, 0, Header);");
        w.Line($"var encoder = new {t}(buffer, SbeMessageHeader.Size);");
        w.Line("encoder.ResetBlock();");
        w.Line("return encoder;");
        w.Close();
        w.Line();
        w.Summary("Wraps a body without a message header (SHM layouts: mapped memory). Writes nothing to the block"
                  + (sections ? "; writes the empty encodings of the sections after it." : "."));
        w.Open($"public static {t} WrapBody(Span<byte> buffer)");
        w.Line("SbeCodec.EnsureCapacity(buffer.Length, MinEncodedLength - SbeMessageHeader.Size);");
        w.Line($"return new {t}(buffer, 0);");
        w.Close();
        w.Line();
        w.Summary("Bytes written: header (when applied), block and sections. Throws when a group has fewer entries than it declared.");
        w.Line(sections ? "public readonly int EncodedLength => _cursor.CompleteLimit();" : "public readonly int EncodedLength => _blockOffset + BlockLength;");
        w.Summary("The encoded message (header when applied, block and sections).");
        w.Line("public readonly Span<byte> Buffer => _buffer[..EncodedLength];");
        w.Line();
        EmitResetBlock(w, m, "public");
        EmitCommon(w, m, level: 0, serial: "0");
        EmitEncodeJson(w, m, t);
        w.Close();
        w.Line();
    }

    private static string HeaderLiteral(SbeSchema schema, Container m)
    {
        ulong h = (ulong)(uint)m.BlockLength | ((ulong)(uint)m.Id << 16) | ((ulong)schema.Id << 32) | ((ulong)schema.Version << 48);
        return "0x" + h.ToString("X16", System.Globalization.CultureInfo.InvariantCulture) + "UL";
    }

    private static void EmitPlaceholders(CodeWriter w, Container c)
    {
        var bytes = new List<string>();
        foreach (Section s in c.Sections)
        {
            int bl = s.Group?.BlockLength ?? 0;
            bytes.AddRange([Names.Int(bl & 0xFF), Names.Int(bl >> 8), "0", "0"]);
        }
        w.Line("// The empty encoding of each section: a group header with count 0, or a zero length.");
        w.Line("private static ReadOnlySpan<byte> Placeholders => [" + string.Join(", ", bytes) + "];");
    }

    private static void EmitResetBlock(CodeWriter w, Container c, string access)
    {
        w.Summary("Zeroes the block and writes the null value of every optional field.");
        w.Open($"{access} void ResetBlock()");
        w.Line("_block.Clear();");
        foreach (Field f in c.Fields.Where(f => f.IsOptional && f.Kind != FieldKind.Constant))
        {
            if (f.Primitive.IsFloating || f.NullLiteral != "0")
            {
                w.Line($"SbeCodec.Write{f.Primitive.ReadName}(_block, {f.Offset}, {f.Primitive.CsLiteral(f.NullLiteral)});");
            }
        }
        w.Close();
        w.Line();
    }

    private static void EmitGroup(CodeWriter w, Container g)
    {
        string t = Names.Encoder(g);
        w.Summary($"Entries of group {g.Name} (id {g.Id}): call Next() before each entry, exactly the declared number of times.");
        w.Open($"public ref struct {t}");
        w.Line($"public const ushort BlockLength = {g.BlockLength};");
        w.Line($"private const int Level = {g.Depth};");
        w.Line("private readonly Span<byte> _buffer;");
        w.Line("private readonly ref SbeEncoderCursor _cursor;");
        w.Line("private readonly int _serial;");
        w.Line("private readonly int _count;");
        w.Line("private Span<byte> _block;");
        w.Line("private int _index;");
        if (g.Sections.Count > 0)
        {
            EmitPlaceholders(w, g);
        }
        else
        {
            w.Line("private static ReadOnlySpan<byte> Placeholders => [];");
        }
        w.Line();
        w.Open($"internal {t}(Span<byte> buffer, ref SbeEncoderCursor cursor, int serial, int count)");
        w.Line("_buffer = buffer;");
        w.Line("_cursor = ref cursor;");
        w.Line("_serial = serial;");
        w.Line("_count = count;");
        w.Line("_block = default;");
        w.Line("_index = -1;");
        w.Close();
        w.Line();
        w.Summary("Entries declared.");
        w.Line("public readonly int Count => _count;");
        w.Summary("Index of the entry being written (-1 before the first Next()).");
        w.Line("public readonly int Index => _index;");
        w.Line();
        w.Summary("Appends the next entry (zeroed, optional fields null) and makes it the one the properties write.");
        w.Open("public void Next()");
        w.Line("int offset = _cursor.NextEntry(_buffer, Level, _serial, BlockLength, Placeholders);");
        w.Line("_block = _buffer.Slice(offset, BlockLength);");
        w.Line("_index++;");
        foreach (Field f in g.Fields.Where(f => f.IsOptional && f.Kind != FieldKind.Constant && (f.Primitive.IsFloating || f.NullLiteral != "0")))
        {
            w.Line($"SbeCodec.Write{f.Primitive.ReadName}(_block, {f.Offset}, {f.Primitive.CsLiteral(f.NullLiteral)});");
        }
        w.Close();
        w.Line();
        EmitCommon(w, g, g.Depth, "_serial");
        w.Close();
        w.Line();
    }

    private static void EmitCommon(CodeWriter w, Container c, int level, string serial)
    {
        foreach (Field f in c.Fields)
        {
            EmitField(w, f);
        }
        for (int i = 0; i < c.Sections.Count; i++)
        {
            EmitSection(w, c.Sections[i], i, level, serial, c.IsMessage);
        }
        EmitApplyJson(w, c);
        foreach (Section s in c.Sections)
        {
            if (s.Group is not null)
            {
                EmitGroup(w, s.Group);
            }
        }
    }

    private static void EmitField(CodeWriter w, Field f)
    {
        string p = Names.Pascal(f.Name);
        string vt = Names.ValueType(f);
        string raw = f.Primitive.CsType;
        string read = $"SbeCodec.Read{f.Primitive.ReadName}(_block, {f.Offset})";
        string write(string v) => $"SbeCodec.Write{f.Primitive.ReadName}(_block, {f.Offset}, {v})";
        switch (f.Kind)
        {
            case FieldKind.Constant:
                w.Summary($"{f.Name} (id {f.Id}): a schema constant; no bytes on the wire.");
                w.Line($"public const {vt} {p} = {f.Primitive.CsLiteral(f.ConstantLiteral)};");
                break;
            case FieldKind.Scalar when f.IsOptional:
                w.Line($"public const {vt} {p}NullValue = {f.Primitive.CsLiteral(f.NullLiteral)};");
                w.Summary($"{f.Name} (id {f.Id}, {f.Primitive.SbeName}, optional): null writes the null value.");
                w.Open($"public {vt}? {p}");
                w.Line($"readonly get {{ {vt} v = {read}; return {DecoderEmitter.NullTest(f, "v")} ? null : v; }}");
                w.Line($"{Names.Inline} set => {write($"value ?? {p}NullValue")};");
                w.Close();
                break;
            case FieldKind.Scalar:
                w.Summary($"{f.Name} (id {f.Id}, {f.Primitive.SbeName}).");
                w.Line($"public {vt} {p} {{ {Names.Inline} readonly get => {read}; {Names.Inline} set => {write("value")}; }}");
                break;
            case FieldKind.Enum when f.IsOptional:
                w.Line($"public const {raw} {p}NullValue = {f.Primitive.CsLiteral(f.NullLiteral)};");
                w.Summary($"{f.Name} (id {f.Id}, enum, optional): null writes the null value.");
                w.Open($"public {vt}? {p}");
                w.Line($"readonly get {{ {raw} v = {read}; return v == {p}NullValue ? null : ({vt})v; }}");
                w.Line($"{Names.Inline} set => {write($"value is {{ }} v ? ({raw})v : {p}NullValue")};");
                w.Close();
                break;
            case FieldKind.Enum:
            case FieldKind.Set:
                w.Summary($"{f.Name} (id {f.Id}, {(f.Kind == FieldKind.Enum ? "enum" : "bit set")} on {f.Primitive.SbeName}).");
                w.Line($"public {vt} {p} {{ {Names.Inline} readonly get => ({vt}){read}; {Names.Inline} set => {write($"({raw})value")}; }}");
                break;
            case FieldKind.Array:
            {
                w.Line($"public const int {p}Length = {f.ArrayLength};");
                string slice = $"_block.Slice({f.Offset}, {f.Size})";
                if (Names.IsByteArray(f))
                {
                    w.Summary($"{f.Name} (id {f.Id}): {f.ArrayLength} bytes, written in place.");
                    w.Line($"public readonly Span<byte> {p} => {slice};");
                }
                else
                {
                    w.Summary($"{f.Name} (id {f.Id}): {f.ArrayLength} × {f.Primitive.SbeName}, written in place (little-endian host).");
                    w.Line($"public readonly Span<{vt}> {p} => MemoryMarshal.Cast<byte, {vt}>({slice});");
                }
                w.Summary($"Sets {f.Name}[index].");
                w.Open($"public readonly void Set{p}(int index, {vt} value)");
                w.Line($"SbeCodec.CheckIndex(index, {f.ArrayLength}, nameof(index));");
                w.Line($"SbeCodec.Write{f.Primitive.ReadName}(_block, {f.Offset} + (index * {f.Primitive.Size}), value);");
                w.Close();
                break;
            }
        }
        w.Line();
    }

    private static void EmitSection(CodeWriter w, Section s, int index, int level, string serial, bool isMessage)
    {
        string n = Names.Pascal(s.Name);
        string attr = isMessage ? "[UnscopedRef] " : "";
        if (s.Group is not null)
        {
            string gt = Names.Encoder(s.Group);
            w.Summary($"Starts group {s.Group.Name} with count entries (0..65534); write them with Next().");
            w.Open($"{attr}public {gt} {n}Count(int count)");
            w.Line($"int serial = _cursor.BeginGroup(_buffer, {level}, {serial}, {index}, count);");
            w.Line($"return new {gt}(_buffer, ref _cursor, serial, count);");
            w.Close();
            w.Line();
            return;
        }
        VarData v = s.Var!;
        string name = Names.Quote(v.Name);
        w.Summary($"Writes {v.Name} (id {v.Id}), at most {v.MaxLength} bytes; sections go in schema order.");
        w.Open($"public void Put{n}(ReadOnlySpan<byte> value)");
        w.Line($"SbeCodec.CheckVarLength(value.Length, {v.MaxLength}U, {name});");
        w.Line($"int position = _cursor.BeginVarData(_buffer, {level}, {serial}, {index}, value.Length);");
        w.Line("value.CopyTo(_buffer[position..]);");
        w.Close();
        w.Line();
        if (v.IsText)
        {
            w.Summary($"Writes {v.Name} from ASCII text; a character above 0x7F throws (and leaves the encoder to be wrapped again).");
            w.Open($"public void Put{n}(ReadOnlySpan<char> value)");
            w.Line($"SbeCodec.CheckVarLength(value.Length, {v.MaxLength}U, {name});");
            w.Line($"int position = _cursor.BeginVarData(_buffer, {level}, {serial}, {index}, value.Length);");
            w.Line($"SbeCodec.CopyAscii(value, _buffer.Slice(position, value.Length), {name});");
            w.Close();
            w.Line();
        }
        w.Summary($"Reserves {v.Name} of length bytes and returns them to be written in place (zero copy).");
        w.Open($"public Span<byte> Reserve{n}(int length)");
        w.Line($"SbeCodec.CheckVarLength(length, {v.MaxLength}U, {name});");
        w.Line($"int position = _cursor.BeginVarData(_buffer, {level}, {serial}, {index}, length);");
        w.Line("return _buffer.Slice(position, length);");
        w.Close();
        w.Line();
    }

    private static void EmitEncodeJson(CodeWriter w, Container m, string t)
    {
        w.Summary("Encodes the message (with header) from the JSON form of its fields; returns the encoded length.");
        w.Open("public static int EncodeJson(JsonElement fields, Span<byte> buffer)");
        w.Line($"var encoder = WrapAndApplyHeader(buffer);");
        w.Line("encoder.ApplyJson(fields, \"fields\");");
        w.Line("return encoder.EncodedLength;");
        w.Close();
    }

    private static void EmitApplyJson(CodeWriter w, Container c)
    {
        w.Summary("Sets the fields and sections from their JSON form; throws SbeJsonException naming the path.");
        w.Open("internal void ApplyJson(JsonElement json, string path)");
        string keys = Names.KnownKeys(c);
        w.Line(keys.Length == 0 ? "SbeJson.CheckObject(json, path);" : $"SbeJson.CheckObject(json, path, {keys});");
        if (c.Fields.Any(f => f.Kind != FieldKind.Constant) || c.Sections.Any(s => s.Var is not null))
        {
            w.Line("JsonElement v;");
        }
        foreach (Field f in c.Fields)
        {
            EmitJsonFieldRead(w, f);
        }
        foreach (Section s in c.Sections)
        {
            string n = Names.Pascal(s.Name);
            string q = Names.Quote(s.Name);
            if (s.Group is not null)
            {
                string gt = Names.Encoder(s.Group);
                w.Open("");
                w.Line($"JsonElement[] items = SbeJson.ToGroup(json, {q}, path);");
                w.Line($"{gt} group = {n}Count(items.Length);");
                w.Open("for (int i = 0; i < items.Length; i++)");
                w.Line("group.Next();");
                w.Line($"group.ApplyJson(items[i], SbeJson.Index(path, {q}, i));");
                w.Close();
                w.Close();
            }
            else
            {
                string conv = s.Var!.IsText ? "ToText" : "ToHex";
                w.Line($"Put{n}(SbeJson.TryGet(json, {q}, out v) ? SbeJson.{conv}(v, SbeJson.Join(path, {q})) : []);");
            }
        }
        w.Close();
        w.Line();
    }

    private static void EmitJsonFieldRead(CodeWriter w, Field f)
    {
        string p = Names.Pascal(f.Name);
        string q = Names.Quote(f.Name);
        string at = $"SbeJson.Join(path, {q})";
        string vt = Names.ValueType(f);
        Primitive pr = f.Primitive;
        if (f.Kind == FieldKind.Constant)
        {
            w.Line($"SbeJson.CheckConstant(json, {q}, path, {Names.Quote(f.ConstantLiteral)});");
            return;
        }
        string missing = f.IsOptional ? $"{p} = null;" : $"throw SbeJson.Missing(path, {q});";
        switch (f.Kind)
        {
            case FieldKind.Scalar:
                w.Line($"if (SbeJson.TryGet(json, {q}, out v)) {p} = {Convert(pr, "v", at)}; else {missing}");
                break;
            case FieldKind.Set:
                w.Line($"if (SbeJson.TryGet(json, {q}, out v)) {p} = ({vt}){Convert(pr, "v", at)}; else {missing}");
                break;
            case FieldKind.Enum:
            {
                w.Open($"if (SbeJson.TryGet(json, {q}, out v))");
                w.Line($"long raw = SbeJson.ToEnum(v, {at}, {MinLong(pr)}, {MaxLong(pr)}, out string? name);");
                w.Line($"if (name is null) {p} = ({vt})raw;");
                w.Line($"else if ({vt}Extensions.TryParseSbeName(name, out {vt} known)) {p} = known;");
                w.Line($"else throw SbeJson.UnknownName({at}, name, {vt}Extensions.SbeNames);");
                w.Close();
                w.Line($"else {missing}");
                break;
            }
            case FieldKind.Array when Names.IsByteArray(f):
            {
                string conv = f.CharacterEncoding is not null ? "ToText" : "ToHex";
                w.Open($"if (SbeJson.TryGet(json, {q}, out v))");
                w.Line($"byte[] bytes = SbeJson.{conv}(v, {at});");
                w.Line($"if (bytes.Length != {f.ArrayLength}) throw new SbeJsonException({at} + \": expected {f.ArrayLength} bytes, found \" + bytes.Length);");
                w.Line($"bytes.CopyTo({p});");
                w.Close();
                w.Line($"else throw SbeJson.Missing(path, {q});");
                break;
            }
            case FieldKind.Array:
                w.Open($"if (SbeJson.TryGet(json, {q}, out v))");
                w.Line($"JsonElement[] items = SbeJson.ToArray(v, {at}, {f.ArrayLength});");
                w.Open("for (int i = 0; i < items.Length; i++)");
                w.Line($"Set{p}(i, {Convert(pr, "items[i]", $"SbeJson.Index(path, {q}, i)")});");
                w.Close();
                w.Close();
                w.Line($"else throw SbeJson.Missing(path, {q});");
                break;
        }
    }

    private static string Convert(Primitive p, string v, string at)
    {
        if (p.IsFloating)
        {
            return $"({p.CsType})SbeJson.ToDouble({v}, {at})";
        }
        return p.IsSigned
            ? $"({p.CsType})SbeJson.ToSigned({v}, {at}, {p.CsType}.MinValue, {p.CsType}.MaxValue)"
            : $"({p.CsType})SbeJson.ToUnsigned({v}, {at}, {p.CsType}.MaxValue)";
    }

    private static string MinLong(Primitive p) => p.IsSigned ? $"{p.CsType}.MinValue" : "0";

    private static string MaxLong(Primitive p) => p.CsType == "ulong" ? "long.MaxValue" : $"{p.CsType}.MaxValue";
}
