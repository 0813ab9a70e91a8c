namespace TensorPool.BindingsGen.Model;

/// <summary>Everything one header declares, in source order per kind.</summary>
internal sealed class HeaderModel(string path, string displayPath)
{
    /// <summary>Absolute path of the header.</summary>
    public string Path { get; } = path;

    /// <summary>Path shown in banners and messages (relative to the repository root when inside it).</summary>
    public string DisplayPath { get; } = displayPath;

    public List<EnumDecl> Enums { get; } = [];

    public List<StructDecl> Structs { get; } = [];

    public List<OpaqueDecl> Opaques { get; } = [];

    public List<FunctionDecl> Functions { get; } = [];

    public List<SkippedDecl> Skipped { get; } = [];

    /// <summary>Object-like macros bound as integer constants (<see cref="GeneratorOptions.MacroConstants"/>).</summary>
    public List<EnumConstant> MacroConstants { get; } = [];

    /// <summary>Object-like macros bound as string constants.</summary>
    public List<StringConstant> StringConstants { get; } = [];

    /// <summary>Whether the header has anything for its constants class.</summary>
    public bool HasConstants => Enums.Any(e => e.Key is null) || MacroConstants.Count > 0 || StringConstants.Count > 0;

    public bool IsEmpty => Enums.Count == 0 && Structs.Count == 0 && Opaques.Count == 0 && Functions.Count == 0
        && Skipped.Count == 0 && MacroConstants.Count == 0 && StringConstants.Count == 0;
}
