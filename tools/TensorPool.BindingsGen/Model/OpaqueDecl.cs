namespace TensorPool.BindingsGen.Model;

/// <summary>A struct declared but not defined in the bound headers (an opaque handle such as <c>tp_region_t</c>).</summary>
internal sealed record OpaqueDecl(string Key, string Name, string? Comment);
