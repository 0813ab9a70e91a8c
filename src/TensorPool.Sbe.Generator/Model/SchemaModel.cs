using System.Collections.Generic;

namespace TensorPool.Sbe.Generator.Model;

/// <summary>One parsed messageSchema: what the emitters need, with every offset resolved.</summary>
internal sealed class SbeSchema
{
    public SbeSchema(string name, ushort id, ushort version, string package)
    {
        Name = name;
        Id = id;
        Version = version;
        Package = package;
    }

    /// <summary>PascalCase name from the file (wire-schema.xml: Wire); the namespace suffix.</summary>
    public string Name { get; }

    public ushort Id { get; }

    public ushort Version { get; }

    public string Package { get; }

    public List<SbeEnum> Enums { get; } = [];

    public List<SbeSet> Sets { get; } = [];

    public List<Container> Messages { get; } = [];
}

/// <summary>An SBE enum: named values of one primitive encoding.</summary>
internal sealed class SbeEnum
{
    public SbeEnum(string name, Primitive encoding)
    {
        Name = name;
        Encoding = encoding;
    }

    public string Name { get; }

    public Primitive Encoding { get; }

    /// <summary>Schema name (UPPER_CASE as written) and normalised literal of each valid value.</summary>
    public List<KeyValuePair<string, string>> Values { get; } = [];
}

/// <summary>An SBE set (bit set): named bit positions of one unsigned encoding.</summary>
internal sealed class SbeSet
{
    public SbeSet(string name, Primitive encoding)
    {
        Name = name;
        Encoding = encoding;
    }

    public string Name { get; }

    public Primitive Encoding { get; }

    public List<KeyValuePair<string, int>> Choices { get; } = [];
}

internal enum FieldKind
{
    Scalar,
    Array,
    Enum,
    Set,
    Constant,
}

/// <summary>A fixed-size field of a message or group block.</summary>
internal sealed class Field
{
    public Field(string name, int id, FieldKind kind, Primitive primitive)
    {
        Name = name;
        Id = id;
        Kind = kind;
        Primitive = primitive;
    }

    public string Name { get; }

    public int Id { get; }

    public FieldKind Kind { get; }

    public Primitive Primitive { get; }

    public int ArrayLength { get; set; } = 1;

    public SbeEnum? Enum { get; set; }

    public SbeSet? Set { get; set; }

    public int Offset { get; set; }

    /// <summary>Bytes on the wire (0 for constants).</summary>
    public int Size => Kind == FieldKind.Constant ? 0 : Primitive.Size * ArrayLength;

    public bool IsOptional { get; set; }

    /// <summary>Normalised null sentinel literal when optional.</summary>
    public string NullLiteral { get; set; } = "";

    /// <summary>Normalised value of a constant.</summary>
    public string ConstantLiteral { get; set; } = "";

    public ushort SinceVersion { get; set; }

    /// <summary>Character encoding of a char/uint8 array (null for bytes).</summary>
    public string? CharacterEncoding { get; set; }

    /// <summary>Declared type name (for diagnostics and the schema comparison).</summary>
    public string TypeName { get; set; } = "";

    /// <summary>Reads as null: optional, or newer than some acting version.</summary>
    public bool IsNullable => IsOptional || SinceVersion > 0;
}

/// <summary>A variable-length data section: a u32 length and the bytes.</summary>
internal sealed class VarData
{
    public VarData(string name, int id, uint maxLength, string? characterEncoding)
    {
        Name = name;
        Id = id;
        MaxLength = maxLength;
        CharacterEncoding = characterEncoding;
    }

    public string Name { get; }

    public int Id { get; }

    public uint MaxLength { get; }

    public string? CharacterEncoding { get; }

    /// <summary>Text (shown as text in JSON) rather than bytes (shown as hex).</summary>
    public bool IsText => CharacterEncoding is not null;

    public ushort SinceVersion { get; set; }

    /// <summary>Declared as a &lt;field&gt; of a var-data composite type rather than as &lt;data&gt;.</summary>
    public bool DeclaredAsField { get; set; }

    public string TypeName { get; set; } = "";
}

/// <summary>What follows a block, in wire order: a repeating group or var data.</summary>
internal sealed class Section
{
    public Section(Container group)
    {
        Group = group;
    }

    public Section(VarData varData)
    {
        Var = varData;
    }

    public Container? Group { get; }

    public VarData? Var { get; }

    public string Name => Group?.Name ?? Var!.Name;

    /// <summary>Bytes of the empty encoding (group header with count 0, or a zero length).</summary>
    public const int PlaceholderSize = 4;
}

/// <summary>A message (depth 0) or a repeating group (depth 1+): a fixed block, then sections.</summary>
internal sealed class Container
{
    public Container(string name, int id, int depth, Container? parent)
    {
        Name = name;
        Id = id;
        Depth = depth;
        Parent = parent;
    }

    public string Name { get; }

    /// <summary>Template id of a message, field id of a group.</summary>
    public int Id { get; }

    public int Depth { get; }

    public Container? Parent { get; }

    public bool IsMessage => Depth == 0;

    public int BlockLength { get; set; }

    public ushort SinceVersion { get; set; }

    public string? Description { get; set; }

    public List<Field> Fields { get; } = [];

    public List<Section> Sections { get; } = [];

    /// <summary>Bytes of the block a decoder needs at <paramref name="actingVersion"/>.</summary>
    public int RequiredBlockLength(int actingVersion)
    {
        int end = 0;
        foreach (Field f in Fields)
        {
            if (f.SinceVersion <= actingVersion && f.Offset + f.Size > end)
            {
                end = f.Offset + f.Size;
            }
        }
        return end;
    }

    public int MaxDepth
    {
        get
        {
            int max = Depth;
            foreach (Section s in Sections)
            {
                if (s.Group is not null && s.Group.MaxDepth > max)
                {
                    max = s.Group.MaxDepth;
                }
            }
            return max;
        }
    }
}
