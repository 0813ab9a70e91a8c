namespace TensorPool.BindingsGen;

/// <summary>Everything one run produces, in a stable order.</summary>
public sealed class GenerationResult(IReadOnlyList<GeneratedFile> files, string cSharpOutputDirectory, string abiOutputDirectory)
{
    public IReadOnlyList<GeneratedFile> Files { get; } = files;

    /// <summary>The directory of the <c>*.g.cs</c> files; any other <c>*.g.cs</c> there is stale.</summary>
    public string CSharpOutputDirectory { get; } = cSharpOutputDirectory;

    public string AbiOutputDirectory { get; } = abiOutputDirectory;

    public GeneratedFile File(string fileName) =>
        Files.FirstOrDefault(f => System.IO.Path.GetFileName(f.Path) == fileName)
        ?? throw new KeyNotFoundException($"no generated file named {fileName}; have: {string.Join(", ", Files.Select(f => System.IO.Path.GetFileName(f.Path)))}");
}
