using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;

namespace TensorPool.Sbe.Generator.Model;

/// <summary>The &lt;types&gt; of a schema: simple types, composites, enums and sets, by name.</summary>
internal sealed class TypeTable
{
    private readonly SbeSchema _schema;
    private readonly Dictionary<string, XElement> _simple = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, XElement> _composites = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, SbeEnum> _enums = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, SbeSet> _sets = new(System.StringComparer.Ordinal);

    public TypeTable(SbeSchema schema)
    {
        _schema = schema;
    }

    public void Add(XElement types)
    {
        foreach (XElement e in types.Elements())
        {
            string kind = e.Name.LocalName;
            string name = SchemaParser.RequiredAttr(e, "name", kind);
            if (_simple.ContainsKey(name) || _composites.ContainsKey(name) || _enums.ContainsKey(name) || _sets.ContainsKey(name))
            {
                throw new SchemaException($"type '{name}' is declared twice");
            }
            switch (kind)
            {
                case "type":
                    _simple[name] = e;
                    break;
                case "composite":
                    _composites[name] = e;
                    break;
                case "enum":
                    _enums[name] = ParseEnum(e, name);
                    _schema.Enums.Add(_enums[name]);
                    break;
                case "set":
                    _sets[name] = ParseSet(e, name);
                    _schema.Sets.Add(_sets[name]);
                    break;
                default:
                    throw new SchemaException($"types: unexpected element <{kind}> '{name}'");
            }
        }
    }

    /// <summary>The generated codecs assume the standard 8-byte header of four uint16.</summary>
    public void CheckHeaders()
    {
        if (!_composites.TryGetValue("messageHeader", out XElement? header))
        {
            throw new SchemaException("types: composite 'messageHeader' is missing");
        }
        string[] expected = ["blockLength", "templateId", "schemaId", "version"];
        var parts = header.Elements().ToList();
        if (parts.Count != 4 || Enumerable.Range(0, 4).Any(i =>
                SchemaParser.Attr(parts[i], "name") != expected[i] || SchemaParser.Attr(parts[i], "primitiveType") != "uint16"))
        {
            throw new SchemaException("messageHeader must be blockLength, templateId, schemaId, version, each uint16");
        }
    }

    public void CheckGroupDimension(string name, string what)
    {
        if (!_composites.TryGetValue(name, out XElement? dim))
        {
            throw new SchemaException($"{what}: dimensionType '{name}' is not a composite of the schema");
        }
        var parts = dim.Elements().ToList();
        if (parts.Count != 2
            || SchemaParser.Attr(parts[0], "name") != "blockLength" || SchemaParser.Attr(parts[0], "primitiveType") != "uint16"
            || SchemaParser.Attr(parts[1], "name") != "numInGroup" || SchemaParser.Attr(parts[1], "primitiveType") != "uint16")
        {
            throw new SchemaException($"{what}: dimensionType '{name}' must be blockLength uint16, numInGroup uint16");
        }
    }

    /// <summary>A composite of a length and a zero-length uint8 varData is var data.</summary>
    public bool TryGetVarData(string name, out uint maxLength, out string? characterEncoding)
    {
        maxLength = 0;
        characterEncoding = null;
        if (!_composites.TryGetValue(name, out XElement? c))
        {
            return false;
        }
        var parts = c.Elements().ToList();
        if (parts.Count != 2 || SchemaParser.Attr(parts[0], "name") != "length" || SchemaParser.Attr(parts[1], "name") != "varData"
            || SchemaParser.Attr(parts[1], "length") != "0")
        {
            return false;
        }
        if (SchemaParser.Attr(parts[0], "primitiveType") != "uint32" || SchemaParser.Attr(parts[1], "primitiveType") != "uint8")
        {
            throw new SchemaException($"var-data composite '{name}': only a uint32 length and uint8 varData are supported");
        }
        string max = SchemaParser.Attr(parts[0], "maxValue") ?? "1073741824";
        if (!uint.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out maxLength) || maxLength > int.MaxValue)
        {
            throw new SchemaException($"var-data composite '{name}': maxValue '{max}' must be an integer up to {int.MaxValue}");
        }
        characterEncoding = SchemaParser.Attr(parts[1], "characterEncoding");
        return true;
    }

    public Field MakeField(XElement e, string name, int id, string typeName, string what)
    {
        string? presence = SchemaParser.Attr(e, "presence");
        string? nullValue = SchemaParser.Attr(e, "nullValue");
        if (SchemaParser.Attr(e, "valueRef") is not null)
        {
            throw new SchemaException($"{what}: valueRef constants are not supported");
        }
        Field field;
        Primitive? direct = Primitive.Find(typeName);
        if (direct is not null)
        {
            // A length on the field itself (pad: uint8 length 26 in the wire schema) makes a fixed array,
            // as the spec's "pad : bytes[26]" reads.
            int length = SchemaParser.ParseUShort(SchemaParser.Attr(e, "length") ?? "1", what + " length");
            field = length > 1
                ? new Field(name, id, FieldKind.Array, direct) { ArrayLength = length, CharacterEncoding = SchemaParser.Attr(e, "characterEncoding") }
                : new Field(name, id, FieldKind.Scalar, direct);
            if (presence == "constant" || (length != 1 && presence == "optional"))
            {
                throw new SchemaException($"{what}: a constant needs a constant <type>; an array cannot be optional");
            }
            if (length == 0)
            {
                throw new SchemaException($"{what}: length 0 is only for var data");
            }
        }
        else if (_simple.TryGetValue(typeName, out XElement? t))
        {
            Primitive p = PrimitiveOf(t, "type " + typeName);
            int length = SchemaParser.ParseUShort(SchemaParser.Attr(t, "length") ?? "1", "type " + typeName + " length");
            string typePresence = SchemaParser.Attr(t, "presence") ?? "required";
            if (typePresence == "constant")
            {
                field = new Field(name, id, FieldKind.Constant, p) { ConstantLiteral = p.ParseLiteral(t.Value, "type " + typeName) };
            }
            else if (length == 0)
            {
                throw new SchemaException($"{what}: type '{typeName}' has length 0 outside a var-data composite");
            }
            else if (length > 1)
            {
                field = new Field(name, id, FieldKind.Array, p) { ArrayLength = length, CharacterEncoding = SchemaParser.Attr(t, "characterEncoding") };
                if ((presence ?? typePresence) == "optional")
                {
                    throw new SchemaException($"{what}: optional arrays are not supported");
                }
            }
            else
            {
                field = new Field(name, id, FieldKind.Scalar, p);
                presence ??= typePresence;
                nullValue ??= SchemaParser.Attr(t, "nullValue");
            }
        }
        else if (_enums.TryGetValue(typeName, out SbeEnum? en))
        {
            field = new Field(name, id, FieldKind.Enum, en.Encoding) { Enum = en };
        }
        else if (_sets.TryGetValue(typeName, out SbeSet? set))
        {
            field = new Field(name, id, FieldKind.Set, set.Encoding) { Set = set };
            if (presence == "optional")
            {
                throw new SchemaException($"{what}: optional sets are not supported");
            }
        }
        else if (_composites.ContainsKey(typeName))
        {
            throw new SchemaException($"{what}: composite field types other than var data are not supported ('{typeName}')");
        }
        else
        {
            throw new SchemaException($"{what}: type '{typeName}' is not declared");
        }
        field.TypeName = typeName;
        switch (presence ?? "required")
        {
            case "required":
                break;
            case "optional" when field.Kind is FieldKind.Scalar or FieldKind.Enum:
                field.IsOptional = true;
                field.NullLiteral = nullValue is null ? field.Primitive.NullValue : field.Primitive.ParseLiteral(nullValue, what + " nullValue");
                break;
            case "constant" when field.Kind == FieldKind.Constant:
                break;
            default:
                throw new SchemaException($"{what}: presence '{presence}' is not supported for this type");
        }
        return field;
    }

    private static Primitive PrimitiveOf(XElement e, string what)
    {
        string? name = SchemaParser.Attr(e, "primitiveType") ?? SchemaParser.Attr(e, "encodingType");
        return (name is null ? null : Primitive.Find(name))
               ?? throw new SchemaException($"{what}: primitive type '{name}' is not an SBE primitive");
    }

    private SbeEnum ParseEnum(XElement e, string name)
    {
        string enc = SchemaParser.RequiredAttr(e, "encodingType", "enum " + name);
        Primitive p = Primitive.Find(enc) ?? (_simple.TryGetValue(enc, out XElement? t) ? PrimitiveOf(t, "enum " + name) : null)
                      ?? throw new SchemaException($"enum {name}: encodingType '{enc}' is not a primitive");
        if (p.IsFloating)
        {
            throw new SchemaException($"enum {name}: a floating-point encoding is not allowed");
        }
        var result = new SbeEnum(name, p);
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (XElement v in e.Elements().Where(x => x.Name.LocalName == "validValue"))
        {
            string vn = SchemaParser.RequiredAttr(v, "name", "enum " + name + " validValue");
            string literal = p.ParseLiteral(v.Value, $"enum {name}.{vn}");
            if (!seen.Add(vn) || result.Values.Any(x => x.Value == literal))
            {
                throw new SchemaException($"enum {name}: value '{vn}' ({literal}) is declared twice");
            }
            result.Values.Add(new KeyValuePair<string, string>(vn, literal));
        }
        return result;
    }

    private static SbeSet ParseSet(XElement e, string name)
    {
        string enc = SchemaParser.RequiredAttr(e, "encodingType", "set " + name);
        Primitive p = Primitive.Find(enc) ?? throw new SchemaException($"set {name}: encodingType '{enc}' is not a primitive");
        if (p.IsSigned || p.SbeName == "char")
        {
            throw new SchemaException($"set {name}: encodingType must be an unsigned integer");
        }
        var result = new SbeSet(name, p);
        foreach (XElement c in e.Elements().Where(x => x.Name.LocalName == "choice"))
        {
            string cn = SchemaParser.RequiredAttr(c, "name", "set " + name + " choice");
            int bit = SchemaParser.ParseUShort(c.Value, $"set {name}.{cn}");
            if (bit >= p.Size * 8 || result.Choices.Any(x => x.Value == bit || x.Key == cn))
            {
                throw new SchemaException($"set {name}: choice '{cn}' bit {bit} is out of range or declared twice");
            }
            result.Choices.Add(new KeyValuePair<string, int>(cn, bit));
        }
        return result;
    }
}
