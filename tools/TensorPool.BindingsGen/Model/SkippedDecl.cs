namespace TensorPool.BindingsGen.Model;

/// <summary>A declaration deliberately not bound (variadic, static inline); listed in the output so the gap is visible.</summary>
internal sealed record SkippedDecl(string CName, string Reason);
