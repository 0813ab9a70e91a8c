namespace TensorPool.BindingsGen.Model;

/// <summary>An exported function. <paramref name="SuppressGcTransition"/> comes from TP_TRIVIAL; Line/Column locate it in its header.</summary>
internal sealed record FunctionDecl(
    string CName,
    int Line,
    int Column,
    string? Comment,
    CType Return,
    IReadOnlyList<ParameterDecl> Parameters,
    bool SuppressGcTransition)
{
    public bool ReturnsLibraryString => Return is PointerType { IsConstCharPointer: true };

    public bool HasStringParameter => Parameters.Any(p => p.Type is PointerType { IsConstCharPointer: true });
}

/// <summary>A function parameter: its C name, the C# name and type.</summary>
internal sealed record ParameterDecl(string CName, string Name, CType Type);
