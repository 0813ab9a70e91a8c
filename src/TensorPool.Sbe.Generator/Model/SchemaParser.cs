using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace TensorPool.Sbe.Generator.Model;

/// <summary>
/// Reads an SBE messageSchema (FIX SBE 1.0 XML) into a <see cref="SbeSchema"/> with every offset and
/// block length resolved. Supported: primitive fields, fixed arrays, enums, sets, constants, optional
/// fields with null values, sinceVersion, explicit offsets and block lengths, nested groups and var data
/// (u32 length prefix), including &lt;field&gt;s whose type is a var-data composite (encoded like &lt;data&gt;).
/// </summary>
internal static class SchemaParser
{
    public const int MaxGroupDepth = 4;

    public static bool IsSchemaDocument(string xml)
    {
        try
        {
            XElement root = Load(xml).Root!;
            return root.Name.LocalName == "messageSchema";
        }
        catch (XmlException)
        {
            return false;
        }
    }

    public static SbeSchema Parse(string xml, string fileName)
    {
        XDocument doc;
        try
        {
            doc = Load(xml);
        }
        catch (XmlException e)
        {
            throw new SchemaException($"not well-formed XML: {e.Message}");
        }
        XElement root = doc.Root!;
        if (root.Name.LocalName != "messageSchema")
        {
            throw new SchemaException("the root element is not messageSchema");
        }
        string byteOrder = Attr(root, "byteOrder") ?? "littleEndian";
        if (byteOrder != "littleEndian")
        {
            throw new SchemaException($"byteOrder '{byteOrder}' is not supported (little-endian only)");
        }
        var schema = new SbeSchema(
            NameFromFile(fileName),
            ParseUShort(RequiredAttr(root, "id", "messageSchema"), "messageSchema id"),
            ParseUShort(Attr(root, "version") ?? "0", "messageSchema version"),
            Attr(root, "package") ?? "");

        var types = new TypeTable(schema);
        foreach (XElement typesElement in root.Elements().Where(e => e.Name.LocalName == "types"))
        {
            types.Add(typesElement);
        }
        types.CheckHeaders();

        var templateIds = new HashSet<int>();
        foreach (XElement m in root.Elements().Where(e => e.Name.LocalName == "message"))
        {
            string name = RequiredAttr(m, "name", "message");
            int id = ParseUShort(RequiredAttr(m, "id", "message " + name), "message " + name + " id");
            if (!templateIds.Add(id))
            {
                throw new SchemaException($"message {name}: template id {id} is used twice");
            }
            var message = new Container(name, id, 0, null) { Description = Attr(m, "description") };
            ParseContainer(m, message, types, Attr(m, "blockLength"));
            schema.Messages.Add(message);
        }
        if (schema.Messages.Count == 0)
        {
            throw new SchemaException("the schema has no messages");
        }
        return schema;
    }

    /// <summary>wire-schema.xml → Wire, join-barrier-schema.xml → JoinBarrier.</summary>
    public static string NameFromFile(string fileName)
    {
        string stem = Path.GetFileNameWithoutExtension(fileName);
        if (stem.EndsWith("-schema", StringComparison.OrdinalIgnoreCase) || stem.EndsWith("_schema", StringComparison.OrdinalIgnoreCase))
        {
            stem = stem.Substring(0, stem.Length - "-schema".Length);
        }
        var sb = new StringBuilder();
        foreach (string part in stem.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        }
        string name = sb.ToString();
        if (name.Length == 0 || !char.IsLetter(name[0]) || !name.All(char.IsLetterOrDigit))
        {
            throw new SchemaException($"file name '{fileName}' does not give a C# identifier for the namespace");
        }
        return name;
    }

    private static XDocument Load(string xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        return XDocument.Load(reader);
    }

    private static void ParseContainer(XElement element, Container container, TypeTable types, string? blockLengthAttr)
    {
        string where = container.IsMessage ? "message " + container.Name : "group " + container.Name;
        int offset = 0;
        int stage = 0; // 0 fields, 1 groups, 2 data: SBE orders them so
        var names = new HashSet<string>(StringComparer.Ordinal);
        var fieldVars = new List<VarData>();
        var dataVars = new List<VarData>();
        foreach (XElement child in element.Elements())
        {
            string kind = child.Name.LocalName;
            string name = RequiredAttr(child, "name", kind + " in " + where);
            if (!names.Add(name))
            {
                throw new SchemaException($"{where}: member '{name}' is declared twice");
            }
            int id = ParseUShort(RequiredAttr(child, "id", kind + " " + name), kind + " " + name + " id");
            ushort since = ParseUShort(Attr(child, "sinceVersion") ?? "0", kind + " " + name + " sinceVersion");
            string what = where + "." + name;
            switch (kind)
            {
                case "field":
                {
                    if (stage > 0)
                    {
                        throw new SchemaException($"{what}: fields must come before groups and data");
                    }
                    string typeName = RequiredAttr(child, "type", what);
                    if (types.TryGetVarData(typeName, out uint maxLength, out string? encoding))
                    {
                        fieldVars.Add(new VarData(name, id, maxLength, encoding) { SinceVersion = since, DeclaredAsField = true, TypeName = typeName });
                        break;
                    }
                    Field f = types.MakeField(child, name, id, typeName, what);
                    f.SinceVersion = since;
                    string? explicitOffset = Attr(child, "offset");
                    if (explicitOffset is not null)
                    {
                        int o = ParseUShort(explicitOffset, what + " offset");
                        if (o < offset)
                        {
                            throw new SchemaException($"{what}: offset {o} overlaps the previous field (which ends at {offset})");
                        }
                        offset = o;
                    }
                    f.Offset = offset;
                    offset += f.Size;
                    container.Fields.Add(f);
                    break;
                }
                case "group":
                {
                    if (stage > 1)
                    {
                        throw new SchemaException($"{what}: groups must come before data");
                    }
                    stage = 1;
                    if (container.Depth + 1 > MaxGroupDepth)
                    {
                        throw new SchemaException($"{what}: groups nest deeper than {MaxGroupDepth}");
                    }
                    types.CheckGroupDimension(Attr(child, "dimensionType") ?? "groupSizeEncoding", what);
                    var group = new Container(name, id, container.Depth + 1, container) { SinceVersion = since, Description = Attr(child, "description") };
                    ParseContainer(child, group, types, Attr(child, "blockLength"));
                    container.Sections.Add(new Section(group));
                    break;
                }
                case "data":
                {
                    stage = 2;
                    string typeName = RequiredAttr(child, "type", what);
                    if (!types.TryGetVarData(typeName, out uint maxLength, out string? encoding))
                    {
                        throw new SchemaException($"{what}: type '{typeName}' is not a var-data composite (uint32 length, uint8 varData length 0)");
                    }
                    dataVars.Add(new VarData(name, id, maxLength, encoding) { SinceVersion = since, TypeName = typeName });
                    break;
                }
                default:
                    throw new SchemaException($"{where}: unexpected element <{kind}>");
            }
        }
        // Var-data-typed <field>s are encoded like <data>: after the groups, before the <data> sections.
        foreach (VarData v in fieldVars.Concat(dataVars))
        {
            container.Sections.Add(new Section(v));
        }
        int blockLength = offset;
        if (blockLengthAttr is not null)
        {
            blockLength = ParseUShort(blockLengthAttr, where + " blockLength");
            if (blockLength < offset)
            {
                throw new SchemaException($"{where}: blockLength {blockLength} is smaller than its fields ({offset} bytes)");
            }
        }
        container.BlockLength = blockLength;
    }

    internal static string? Attr(XElement e, string name) => e.Attribute(name)?.Value;

    internal static string RequiredAttr(XElement e, string name, string what) =>
        Attr(e, name) ?? throw new SchemaException($"{what}: attribute '{name}' is missing");

    internal static ushort ParseUShort(string text, string what)
    {
        if (!ushort.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ushort v))
        {
            throw new SchemaException($"{what}: '{text}' is not an integer in 0..65535");
        }
        return v;
    }
}
