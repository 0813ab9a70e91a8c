namespace TensorPool.BindingsGen.Model;

/// <summary>A C type the generator knows how to bind. Every variant maps to exactly one blittable C# type.</summary>
internal abstract record CType;

/// <summary><c>void</c>, only as a return type or a pointee.</summary>
internal sealed record VoidType : CType
{
    public static readonly VoidType Instance = new();
}

/// <summary>A scalar: fixed-width integers, <c>char</c> (as a byte), <c>size_t</c>, floating point.</summary>
internal sealed record PrimitiveType(PrimitiveKind Kind) : CType;

/// <summary>A pointer. <paramref name="IsConstCharPointer"/> marks <c>const char *</c> (a UTF-8 string the caller does not own).</summary>
internal sealed record PointerType(CType Pointee, bool IsConstCharPointer) : CType;

/// <summary>A struct declared in the bound headers, by its key (the C name used in the ABI probe).</summary>
internal sealed record StructRefType(string Key) : CType;

/// <summary>A named enum declared in the bound headers, by its key.</summary>
internal sealed record EnumRefType(string Key) : CType;

/// <summary>A struct that is declared but never defined: only usable through pointers.</summary>
internal sealed record OpaqueRefType(string Key) : CType;

/// <summary>A fixed-size array (multi-dimensional arrays are flattened; <paramref name="Dimensions"/> keeps the C shape).</summary>
internal sealed record ArrayType(CType Element, long Length, string Dimensions) : CType;

/// <summary>A pointer to a prototyped, non-variadic C function; <paramref name="TypedefName"/> when it was spelled through a typedef.</summary>
internal sealed record FunctionPointerType(CType Return, IReadOnlyList<CType> Parameters, string? TypedefName) : CType
{
    public bool Equals(FunctionPointerType? other) => other is not null && Return.Equals(other.Return)
        && Parameters.SequenceEqual(other.Parameters) && TypedefName == other.TypedefName;

    public override int GetHashCode() => HashCode.Combine(Return, Parameters.Count, TypedefName);
}
