using TensorPool.BindingsGen.Clang;
using TensorPool.BindingsGen.Model;

namespace TensorPool.BindingsGen.Parsing;

/// <summary>A struct or enum of the bound headers: its C names, C# name and the header that emits it.</summary>
internal sealed class TypeEntry(TypeKind kind, string key, string cSpelling, string name, HeaderModel header, CXCursor cursor)
{
    public TypeKind Kind { get; } = kind;

    /// <summary>The C name without spaces: typedef name, else tag (what the ABI probe prints).</summary>
    public string Key { get; } = key;

    /// <summary>How C code spells the type (<c>tp_x_t</c> or <c>struct tp_x</c>).</summary>
    public string CSpelling { get; } = cSpelling;

    public string Name { get; } = name;

    public HeaderModel Header { get; } = header;

    /// <summary>The defining cursor (the declaration for opaque types).</summary>
    public CXCursor Cursor { get; } = cursor;

    public StructDecl? Struct { get; set; }

    public EnumDecl? Enum { get; set; }

    /// <summary>Why the type could not be bound (skipped declarations only): a struct is then opaque, an enum absent.</summary>
    public string? UnboundReason { get; set; }
}
