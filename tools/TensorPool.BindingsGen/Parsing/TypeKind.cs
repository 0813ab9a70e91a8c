namespace TensorPool.BindingsGen.Parsing;

/// <summary>What a C tag type of the bound headers becomes in C#.</summary>
internal enum TypeKind
{
    Struct,
    Opaque,
    Enum,
    AnonymousEnum,
}
