namespace TensorPool.BindingsGen.Clang;

/// <summary>Where a declaration is (after macro expansion): the file, 1-based line and column.</summary>
internal readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
