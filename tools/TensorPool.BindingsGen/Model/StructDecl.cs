namespace TensorPool.BindingsGen.Model;

/// <summary>
/// A struct defined in a bound header. <paramref name="Key"/> is its C name as the ABI probe prints it
/// (the typedef name, or the tag when there is none); <paramref name="CSpelling"/> is how C code names the type.
/// Size, alignment and field offsets are clang's.
/// </summary>
internal sealed record StructDecl(
    string Key,
    string CSpelling,
    string Name,
    string? Comment,
    long Size,
    long Alignment,
    bool Packed,
    IReadOnlyList<FieldDecl> Fields);

/// <summary>A struct field with clang's byte offset.</summary>
internal sealed record FieldDecl(string CName, string Name, CType Type, long Offset, string? Comment);
