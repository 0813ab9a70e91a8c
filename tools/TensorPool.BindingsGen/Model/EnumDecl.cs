namespace TensorPool.BindingsGen.Model;

/// <summary>
/// An enum of a bound header. Named enums become C# enums; anonymous ones (<paramref name="Key"/> null) become
/// constants. <paramref name="Underlying"/> is the integer type clang reports for the enum.
/// </summary>
internal sealed record EnumDecl(
    string? Key,
    string? CSpelling,
    string? Name,
    string? Comment,
    PrimitiveKind Underlying,
    IReadOnlyList<EnumConstant> Constants);

/// <summary>One enumerator, its C type (the enum's integer type for named enums) and value.</summary>
internal sealed record EnumConstant(string CName, string Name, PrimitiveKind Type, Int128 Value, string? Comment);
