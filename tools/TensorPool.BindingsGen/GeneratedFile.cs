namespace TensorPool.BindingsGen;

/// <summary>One output file: its absolute path and exact content (LF line endings).</summary>
public sealed record GeneratedFile(string Path, string Content);
