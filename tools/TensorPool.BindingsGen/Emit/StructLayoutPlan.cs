namespace TensorPool.BindingsGen.Emit;

/// <summary>
/// How a struct is declared in C#: <c>Sequential</c> with <paramref name="Pack"/> when .NET's sequential layout
/// reproduces clang's offsets and size, else <c>Explicit</c> with a <c>FieldOffset</c> per field and
/// <c>Size</c> (over-aligned members, <c>packed, aligned(n)</c>). Size and alignment are the C# type's.
/// </summary>
internal sealed record StructLayoutPlan(bool Explicit, int Pack, long Size, long Alignment);
