using System.Collections.Generic;
using System.Linq;
using TensorPool.Sbe.Generator.Model;

namespace TensorPool.Sbe.Generator.Emit;

/// <summary>
/// Decoders: a readonly ref struct per message and a ref struct (enumerator and entry) per group.
/// Wrapping checks every length once (block, group headers, var data) and records where each
/// section starts, so accessors read without further checks; nothing is allocated.
/// </summary>
internal static class DecoderEmitter
{
    public static void EmitMessage(CodeWriter w, SbeSchema schema, Container m)
    {
        string t = Names.Decoder(m);
        w.Summary($"Decoder (flyweight) of {m.Name}: schema {schema.Id}, template {m.Id}, block {m.BlockLength} bytes. "
                  + "Wrap with TryWrap (after a message header) or TryWrapBody (no header, as in shared memory).");
        w.Open($"public readonly ref struct {t}");
        w.Line($"public const ushort SchemaId = {schema.Id};");
        w.Line($"public const ushort SchemaVersion = {schema.Version};");
        w.Line($"public const ushort TemplateId = {m.Id};");
        w.Line($"public const ushort BlockLength = {m.BlockLength};");
        w.Line($"public const string MessageName = {Names.Quote(m.Name)};");
        w.Line();
        w.Line("private readonly ReadOnlySpan<byte> _buffer;");
        w.Line("private readonly ReadOnlySpan<byte> _block;");
        w.Line("private readonly ushort _actingVersion;");
        if (m.Sections.Count > 0)
        {
            w.Line("private readonly Sections _s;");
        }
        w.Line();
        string sectionsParam = m.Sections.Count > 0 ? ", Sections s" : "";
        w.Open($"private {t}(ReadOnlySpan<byte> buffer, ReadOnlySpan<byte> block, ushort actingVersion{sectionsParam})");
        w.Line("_buffer = buffer;");
        w.Line("_block = block;");
        w.Line("_actingVersion = actingVersion;");
        if (m.Sections.Count > 0)
        {
            w.Line("_s = s;");
        }
        w.Close();
        w.Line();
        w.Summary("Bytes of the message: header (when wrapped with one), block and sections.");
        w.Line("public int EncodedLength => _buffer.Length;");
        w.Summary("The message bytes (header when wrapped with one, block and sections).");
        w.Line("public ReadOnlySpan<byte> Buffer => _buffer;");
        w.Summary("The version the message was encoded with (from the header, or the schema's for bodies).");
        w.Line("public ushort ActingVersion => _actingVersion;");
        w.Summary("The block length the message was encoded with; may exceed BlockLength (newer fields are skipped).");
        w.Line("public int ActingBlockLength => _block.Length;");
        w.Line();
        w.Summary("Wraps a message that starts with its 8-byte header; false with a reason when the bytes do not fit the schema.");
        w.Open($"public static bool TryWrap(ReadOnlySpan<byte> buffer, out {t} decoder, out SbeRejectReason reason)");
        w.Open("if (!SbeCodec.TryCheckHeader(buffer, SchemaId, TemplateId, SchemaVersion, BlockLength, out int blockLength, out ushort version, out reason))");
        w.Line("decoder = default;");
        w.Line("return false;");
        w.Close();
        w.Line("return TryWrapCore(buffer, SbeMessageHeader.Size, blockLength, version, out decoder, out reason);");
        w.Close();
        w.Line();
        w.Line($"public static bool TryWrap(ReadOnlySpan<byte> buffer, out {t} decoder) => TryWrap(buffer, out decoder, out _);");
        w.Line();
        w.Summary("Wraps a body without a message header (SHM layouts), at the schema's block length and version.");
        w.Line($"public static bool TryWrapBody(ReadOnlySpan<byte> body, out {t} decoder, out SbeRejectReason reason) =>");
        w.Line("    TryWrapCore(body, 0, BlockLength, SchemaVersion, out decoder, out reason);");
        w.Line();
        w.Line($"public static bool TryWrapBody(ReadOnlySpan<byte> body, out {t} decoder) => TryWrapBody(body, out decoder, out _);");
        w.Line();
        w.Summary("Wraps a body without a message header, with the block length and version learned elsewhere.");
        w.Open($"public static bool TryWrapBody(ReadOnlySpan<byte> body, int actingBlockLength, int actingVersion, out {t} decoder, out SbeRejectReason reason)");
        w.Open("if ((uint)actingVersion > SchemaVersion)");
        w.Line("decoder = default;");
        w.Line("reason = SbeRejectReason.UnsupportedVersion;");
        w.Line("return false;");
        w.Close();
        w.Open("if ((uint)actingBlockLength > ushort.MaxValue)");
        w.Line("decoder = default;");
        w.Line("reason = SbeRejectReason.BlockLengthTooSmall;");
        w.Line("return false;");
        w.Close();
        w.Line("return TryWrapCore(body, 0, actingBlockLength, (ushort)actingVersion, out decoder, out reason);");
        w.Close();
        w.Line();
        w.Line(Names.Inline);
        w.Open($"private static bool TryWrapCore(ReadOnlySpan<byte> buffer, int offset, int blockLength, ushort version, out {t} decoder, out SbeRejectReason reason)");
        w.Open("if (!SbeCodec.TryCheckBlock(buffer.Length, offset, blockLength, RequiredBlockLength(version), out reason))");
        w.Line("decoder = default;");
        w.Line("return false;");
        w.Close();
        w.Line("int end = offset + blockLength;");
        if (m.Sections.Count > 0)
        {
            w.Line("Sections s = default;");
            w.Line("end = Walk(buffer, end, version, ref s, out reason);");
            w.Open("if (end < 0)");
            w.Line("decoder = default;");
            w.Line("return false;");
            w.Close();
            w.Line("decoder = new(buffer[..end], buffer.Slice(offset, blockLength), version, s);");
        }
        else
        {
            w.Line("decoder = new(buffer[..end], buffer.Slice(offset, blockLength), version);");
        }
        w.Line("return true;");
        w.Close();
        w.Line();
        EmitCommon(w, m, t);
        EmitTryWriteJson(w, m, t);
        w.Close();
        w.Line();
    }

    private static void EmitGroup(CodeWriter w, Container g)
    {
        string t = Names.Decoder(g);
        w.Summary($"Entries of group {g.Name} (id {g.Id}): an enumerator whose Current is the entry; use foreach or MoveNext().");
        w.Open($"public ref struct {t}");
        w.Line($"public const ushort BlockLength = {g.BlockLength};");
        w.Line();
        w.Line("private readonly ReadOnlySpan<byte> _buffer;");
        w.Line("private readonly ushort _actingVersion;");
        w.Line("private readonly int _count;");
        w.Line("private readonly int _blockLength;");
        w.Line("private int _index;");
        w.Line("private int _next;");
        w.Line("private ReadOnlySpan<byte> _block;");
        if (g.Sections.Count > 0)
        {
            w.Line("private Sections _s;");
        }
        w.Line();
        w.Open($"internal {t}(ReadOnlySpan<byte> buffer, int headerOffset, ushort actingVersion)");
        w.Line("_buffer = buffer;");
        w.Line("_actingVersion = actingVersion;");
        w.Line("_index = -1;");
        w.Line("_block = default;");
        if (g.Sections.Count > 0)
        {
            w.Line("_s = default;");
        }
        w.Line("// The header was checked when the message was wrapped; it is checked again so that bytes changed");
        w.Line("// since (shared memory) can never make an accessor read outside the buffer.");
        w.Open("if (headerOffset >= 0 && SbeCodec.TryReadGroupHeader(buffer, headerOffset, RequiredBlockLength(actingVersion), out _blockLength, out _count, out _))");
        w.Line("_next = headerOffset + SbeCodec.SectionHeaderSize;");
        w.Close();
        w.Open("else");
        w.Line("_blockLength = 0;");
        w.Line("_count = 0;");
        w.Line("_next = 0;");
        w.Close();
        w.Close();
        w.Line();
        w.Summary("numInGroup: how many entries the group holds.");
        w.Line("public readonly int Count => _count;");
        w.Summary("Index of the current entry (-1 before the first MoveNext).");
        w.Line("public readonly int Index => _index;");
        w.Summary("The group's blockLength as encoded.");
        w.Line("public readonly int ActingBlockLength => _blockLength;");
        w.Line($"public readonly {t} GetEnumerator() => this;");
        w.Line($"public readonly {t} Current => this;");
        w.Line();
        w.Summary("Moves to the next entry; false after the last (or if the bytes changed since the message was wrapped).");
        w.Open("public bool MoveNext()");
        w.Line("int next = _index + 1;");
        w.Open("if (next >= _count || _buffer.Length - _next < _blockLength)");
        w.Line("_block = default;");
        w.Line("return false;");
        w.Close();
        w.Line("int start = _next;");
        w.Line("int end = start + _blockLength;");
        if (g.Sections.Count > 0)
        {
            w.Line("Sections s = default;");
            w.Line("end = Walk(_buffer, end, _actingVersion, ref s, out _);");
            w.Open("if (end < 0)");
            w.Line("_block = default;");
            w.Line("return false;");
            w.Close();
            w.Line("_s = s;");
        }
        w.Line("_block = _buffer.Slice(start, _blockLength);");
        w.Line("_next = end;");
        w.Line("_index = next;");
        w.Line("return true;");
        w.Close();
        w.Line();
        w.Summary("Checks the group at position and returns the position after it, or -1 with a reason.");
        w.Open("internal static int Skip(ReadOnlySpan<byte> buffer, int position, ushort actingVersion, out SbeRejectReason reason)");
        w.Open("if (!SbeCodec.TryReadGroupHeader(buffer, position, RequiredBlockLength(actingVersion), out int blockLength, out int count, out reason))");
        w.Line("return -1;");
        w.Close();
        w.Line("position += SbeCodec.SectionHeaderSize;");
        if (g.Sections.Count == 0)
        {
            w.Line("return position + (blockLength * count);");
        }
        else
        {
            w.Line("Sections s = default;");
            w.Open("for (int i = 0; i < count; i++)");
            w.Open("if (buffer.Length - position < blockLength)");
            w.Line("reason = SbeRejectReason.GroupCountBeyondBuffer;");
            w.Line("return -1;");
            w.Close();
            w.Line("position = Walk(buffer, position + blockLength, actingVersion, ref s, out reason);");
            w.Open("if (position < 0)");
            w.Line("return -1;");
            w.Close();
            w.Close();
            w.Line("return position;");
        }
        w.Close();
        w.Line();
        EmitCommon(w, g, t);
        w.Close();
        w.Line();
    }

    /// <summary>What messages and group entries share: required block, section walk, accessors, JSON, nested groups.</summary>
    private static void EmitCommon(CodeWriter w, Container c, string t)
    {
        EmitRequiredBlockLength(w, c);
        if (c.Sections.Count > 0)
        {
            EmitSections(w, c);
        }
        foreach (Field f in c.Fields)
        {
            EmitField(w, f);
        }
        for (int i = 0; i < c.Sections.Count; i++)
        {
            EmitSectionAccessor(w, c.Sections[i]);
        }
        EmitWriteJsonFields(w, c);
        foreach (Section s in c.Sections)
        {
            if (s.Group is not null)
            {
                EmitGroup(w, s.Group);
            }
        }
    }

    private static void EmitRequiredBlockLength(CodeWriter w, Container c)
    {
        w.Summary("Bytes of the block the fields of an acting version occupy; a shorter block is rejected.");
        w.Line(Names.Inline);
        List<ushort> versions = c.Fields.Select(f => f.SinceVersion).Where(v => v > 0).Distinct().OrderByDescending(v => v).ToList();
        if (versions.Count == 0)
        {
            w.Line($"internal static int RequiredBlockLength(ushort actingVersion) => {c.RequiredBlockLength(0)};");
            w.Line();
            return;
        }
        w.Open("internal static int RequiredBlockLength(ushort actingVersion)");
        foreach (ushort v in versions)
        {
            w.Line($"if (actingVersion >= {v}) return {c.RequiredBlockLength(v)};");
        }
        w.Line($"return {c.RequiredBlockLength(0)};");
        w.Close();
        w.Line();
    }

    private static void EmitSections(CodeWriter w, Container c)
    {
        w.Line("internal struct Sections");
        w.Line("{");
        foreach (Section s in c.Sections)
        {
            string n = Names.Pascal(s.Name);
            if (s.Group is not null)
            {
                w.Line($"    public int {n}Header;");
            }
            else
            {
                w.Line($"    public int {n}Offset;");
                w.Line($"    public int {n}Length;");
            }
        }
        w.Line("}");
        w.Line();
        w.Summary("Checks the sections after a block and records where each starts; returns the end, or -1 with a reason.");
        w.Open("internal static int Walk(ReadOnlySpan<byte> buffer, int position, ushort actingVersion, ref Sections s, out SbeRejectReason reason)");
        w.Line("reason = SbeRejectReason.None;");
        foreach (Section s in c.Sections)
        {
            string n = Names.Pascal(s.Name);
            ushort since = s.Group?.SinceVersion ?? s.Var!.SinceVersion;
            if (since > 0)
            {
                w.Open($"if (actingVersion < {since})");
                if (s.Group is not null)
                {
                    w.Line($"s.{n}Header = -1;");
                }
                else
                {
                    w.Line($"s.{n}Offset = 0;");
                    w.Line($"s.{n}Length = 0;");
                }
                w.Close();
                w.Open("else");
            }
            if (s.Group is not null)
            {
                w.Line($"s.{n}Header = position;");
                w.Line($"position = {Names.Decoder(s.Group)}.Skip(buffer, position, actingVersion, out reason);");
                w.Open("if (position < 0)");
                w.Line("return -1;");
                w.Close();
            }
            else
            {
                w.Open($"if (!SbeCodec.TryReadVarData(buffer, position, {s.Var!.MaxLength}U, out s.{n}Offset, out s.{n}Length, out reason))");
                w.Line("return -1;");
                w.Close();
                w.Line($"position = s.{n}Offset + s.{n}Length;");
            }
            if (since > 0)
            {
                w.Close();
            }
        }
        w.Line("return position;");
        w.Close();
        w.Line();
    }

    private static void EmitField(CodeWriter w, Field f)
    {
        string p = Names.Pascal(f.Name);
        string vt = Names.ValueType(f);
        string read = $"SbeCodec.Read{f.Primitive.ReadName}(_block, {f.Offset})";
        string absent = f.SinceVersion > 0 ? $"_actingVersion < {f.SinceVersion}" : "";
        if (f.Kind != FieldKind.Constant)
        {
            w.Line($"public const int {p}Offset = {f.Offset};");
        }
        switch (f.Kind)
        {
            case FieldKind.Constant:
                w.Summary($"{f.Name} (id {f.Id}): a schema constant; no bytes on the wire.");
                w.Line($"public const {vt} {p} = {f.Primitive.CsLiteral(f.ConstantLiteral)};");
                break;
            case FieldKind.Scalar:
                if (f.IsOptional)
                {
                    w.Line($"public const {vt} {p}NullValue = {f.Primitive.CsLiteral(f.NullLiteral)};");
                }
                w.Summary($"{f.Name} (id {f.Id}, {f.Primitive.SbeName}{(f.IsOptional ? ", optional: null when the null value is on the wire" : "")}{(f.SinceVersion > 0 ? $", since version {f.SinceVersion}: null for older messages" : "")}).");
                if (!f.IsNullable)
                {
                    w.Line($"public {vt} {p} {{ {Names.Inline} get => {read}; }}");
                }
                else
                {
                    w.Open($"public {vt}? {p}");
                    w.Line(Names.Inline);
                    w.Open("get");
                    if (absent.Length > 0)
                    {
                        w.Line($"if ({absent}) return null;");
                    }
                    w.Line($"{vt} v = {read};");
                    w.Line(f.IsOptional ? $"return {NullTest(f, "v")} ? null : v;" : "return v;");
                    w.Close();
                    w.Close();
                }
                break;
            case FieldKind.Enum:
            {
                string raw = f.Primitive.CsType;
                if (f.IsOptional)
                {
                    w.Line($"public const {raw} {p}NullValue = {f.Primitive.CsLiteral(f.NullLiteral)};");
                }
                w.Summary($"{f.Name} (id {f.Id}): the raw {f.Primitive.SbeName} on the wire, known to the schema or not.");
                w.Line($"public {raw} {p}Raw {{ {Names.Inline} get => {(absent.Length > 0 ? $"{absent} ? ({raw})0 : " : "")}{read}; }}");
                w.Summary($"{f.Name} (id {f.Id}): the enum value, possibly one the schema does not define (see TryGet{p}){(f.IsNullable ? "; null when absent" : "")}.");
                if (!f.IsNullable)
                {
                    w.Line($"public {vt} {p} {{ {Names.Inline} get => ({vt}){read}; }}");
                }
                else
                {
                    w.Open($"public {vt}? {p}");
                    w.Open("get");
                    if (absent.Length > 0)
                    {
                        w.Line($"if ({absent}) return null;");
                    }
                    w.Line($"{raw} v = {read};");
                    w.Line(f.IsOptional ? $"return v == {p}NullValue ? null : ({vt})v;" : $"return ({vt})v;");
                    w.Close();
                    w.Close();
                }
                w.Summary($"The {f.Name} value when present and known to the schema; false for unknown raw values (never mapped to another value).");
                w.Open($"public bool TryGet{p}(out {vt} value)");
                if (!f.IsNullable)
                {
                    w.Line($"value = {p};");
                    w.Line("return value.IsKnown();");
                }
                else
                {
                    w.Line($"{vt}? v = {p};");
                    w.Line("value = v.GetValueOrDefault();");
                    w.Line("return v.HasValue && value.IsKnown();");
                }
                w.Close();
                break;
            }
            case FieldKind.Set:
                w.Summary($"{f.Name} (id {f.Id}): bit set; bits outside the schema's choices are kept (see IsKnown()).");
                w.Line($"public {vt} {p} {{ {Names.Inline} get => {(absent.Length > 0 ? $"{absent} ? default : " : "")}({vt}){read}; }}");
                break;
            case FieldKind.Array:
            {
                int bytes = f.Size;
                w.Line($"public const int {p}Length = {f.ArrayLength};");
                string slice = $"_block.Slice({f.Offset}, {bytes})";
                string guard = absent.Length > 0 ? $"{absent} ? default : " : "";
                if (Names.IsByteArray(f))
                {
                    w.Summary($"{f.Name} (id {f.Id}): {f.ArrayLength} bytes.");
                    w.Line($"public ReadOnlySpan<byte> {p} => {guard}{slice};");
                }
                else
                {
                    w.Summary($"{f.Name} (id {f.Id}): {f.ArrayLength} × {f.Primitive.SbeName} (little-endian host).");
                    w.Line($"public ReadOnlySpan<{vt}> {p} => {guard}MemoryMarshal.Cast<byte, {vt}>({slice});");
                }
                w.Summary($"Element {f.Name}[index].");
                w.Open($"public {vt} Get{p}(int index)");
                w.Line($"SbeCodec.CheckIndex(index, {f.ArrayLength}, nameof(index));");
                if (absent.Length > 0)
                {
                    w.Line($"if ({absent}) return default;");
                }
                w.Line($"return SbeCodec.Read{f.Primitive.ReadName}(_block, {f.Offset} + (index * {f.Primitive.Size}));");
                w.Close();
                break;
            }
        }
        w.Line();
    }

    internal static string NullTest(Field f, string v) =>
        f.Primitive.IsFloating ? $"{f.Primitive.CsType}.IsNaN({v})" : $"{v} == {Names.Pascal(f.Name)}NullValue";

    private static void EmitSectionAccessor(CodeWriter w, Section s)
    {
        string n = Names.Pascal(s.Name);
        if (s.Group is not null)
        {
            w.Summary($"Group {s.Group.Name} (id {s.Group.Id}): a fresh enumerator over its entries.");
            w.Line($"public {Names.Decoder(s.Group)} {n} => new(_buffer, _s.{n}Header, _actingVersion);");
        }
        else
        {
            VarData v = s.Var!;
            w.Summary($"{v.Name} (id {v.Id}): {(v.IsText ? "text" : "bytes")}, at most {v.MaxLength} bytes; empty means absent.");
            w.Line($"public ReadOnlySpan<byte> {n} => _buffer.Slice(_s.{n}Offset, _s.{n}Length);");
            if (v.IsText)
            {
                w.Summary($"{v.Name} as a string (one char per byte); allocates: not for hot paths.");
                w.Line($"public string Get{n}String() => SbeCodec.GetString({n});");
            }
        }
        w.Line();
    }

    private static void EmitWriteJsonFields(CodeWriter w, Container c)
    {
        w.Summary("Writes the fields as a JSON object, keys sorted (the form of the reference .json files).");
        w.Open("public void WriteJsonFields(Utf8JsonWriter writer)");
        w.Line("writer.WriteStartObject();");
        foreach (string name in Names.SortedJsonNames(c))
        {
            Field? f = c.Fields.FirstOrDefault(x => x.Name == name);
            Section? s = c.Sections.FirstOrDefault(x => x.Name == name);
            string p = Names.Pascal(name);
            string q = Names.Quote(name);
            if (f is not null)
            {
                EmitJsonField(w, f, p, q);
            }
            else if (s!.Group is not null)
            {
                w.Line($"writer.WriteStartArray({q});");
                w.Line($"foreach ({Names.Decoder(s.Group)} entry in {p})");
                w.Line("{");
                w.Line("    entry.WriteJsonFields(writer);");
                w.Line("}");
                w.Line("writer.WriteEndArray();");
            }
            else
            {
                w.Line(s.Var!.IsText ? $"SbeJson.WriteText(writer, {q}, {p});" : $"SbeJson.WriteHex(writer, {q}, {p});");
            }
        }
        w.Line("writer.WriteEndObject();");
        w.Close();
        w.Line();
    }

    private static void EmitJsonField(CodeWriter w, Field f, string p, string q)
    {
        string cast = f.Primitive.IsFloating ? "" : f.Primitive.IsSigned ? "(long)" : "(ulong)";
        switch (f.Kind)
        {
            case FieldKind.Constant:
                w.Line($"writer.WriteNumber({q}, {cast}{p});");
                break;
            case FieldKind.Scalar when f.Primitive.IsFloating:
                w.Line($"writer.WritePropertyName({q});");
                if (f.IsNullable)
                {
                    w.Line($"if ({p} is {{ }} {p.ToLowerInvariant()}Value) SbeJson.WriteFloat(writer, {p.ToLowerInvariant()}Value); else writer.WriteNullValue();");
                }
                else
                {
                    w.Line($"SbeJson.WriteFloat(writer, {p});");
                }
                break;
            case FieldKind.Scalar:
                if (f.IsNullable)
                {
                    w.Line($"if ({p} is {{ }} {p.ToLowerInvariant()}Value) writer.WriteNumber({q}, {cast}{p.ToLowerInvariant()}Value); else writer.WriteNull({q});");
                }
                else
                {
                    w.Line($"writer.WriteNumber({q}, {cast}{p});");
                }
                break;
            case FieldKind.Enum:
                w.Line($"writer.WritePropertyName({q});");
                if (f.IsNullable)
                {
                    w.Line($"if ({p} is {{ }} {p.ToLowerInvariant()}Value) SbeJson.WriteEnum(writer, {p.ToLowerInvariant()}Value.ToSbeName(), (long){p}Raw); else writer.WriteNullValue();");
                }
                else
                {
                    w.Line($"SbeJson.WriteEnum(writer, {p}.ToSbeName(), (long){p}Raw);");
                }
                break;
            case FieldKind.Set:
                w.Line($"writer.WriteNumber({q}, (ulong){p});");
                break;
            case FieldKind.Array when Names.IsByteArray(f):
                w.Line(f.CharacterEncoding is not null ? $"SbeJson.WriteText(writer, {q}, {p});" : $"SbeJson.WriteHex(writer, {q}, {p});");
                break;
            case FieldKind.Array:
                w.Line($"writer.WriteStartArray({q});");
                w.Line($"foreach ({Names.ValueType(f)} item in {p})");
                w.Line("{");
                w.Line(f.Primitive.IsFloating ? "    SbeJson.WriteFloat(writer, item);" : $"    writer.WriteNumberValue({cast}item);");
                w.Line("}");
                w.Line("writer.WriteEndArray();");
                break;
        }
    }

    private static void EmitTryWriteJson(CodeWriter w, Container m, string t)
    {
        w.Summary("Decodes a message (with header) and writes it as one JSON object: message, ids, version, lengths, fields.");
        w.Open("public static bool TryWriteJson(ReadOnlySpan<byte> buffer, Utf8JsonWriter writer, out SbeRejectReason reason)");
        w.Open($"if (!TryWrap(buffer, out {t} d, out reason))");
        w.Line("return false;");
        w.Close();
        w.Line("writer.WriteStartObject();");
        w.Line("writer.WriteNumber(\"blockLength\", d.ActingBlockLength);");
        w.Line("writer.WritePropertyName(\"fields\");");
        w.Line("d.WriteJsonFields(writer);");
        w.Line("writer.WriteNumber(\"length\", d.EncodedLength);");
        w.Line("writer.WriteString(\"message\", MessageName);");
        w.Line("writer.WriteNumber(\"schemaId\", SchemaId);");
        w.Line("writer.WriteNumber(\"templateId\", TemplateId);");
        w.Line("writer.WriteNumber(\"version\", d.ActingVersion);");
        w.Line("writer.WriteEndObject();");
        w.Line("return true;");
        w.Close();
    }
}
