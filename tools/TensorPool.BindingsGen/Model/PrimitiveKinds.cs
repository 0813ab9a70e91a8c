namespace TensorPool.BindingsGen.Model;

/// <summary>Facts about <see cref="PrimitiveKind"/>: C# keyword, size and signedness.</summary>
internal static class PrimitiveKinds
{
    public static string Keyword(this PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.SByte => "sbyte",
        PrimitiveKind.Byte => "byte",
        PrimitiveKind.Short => "short",
        PrimitiveKind.UShort => "ushort",
        PrimitiveKind.Int => "int",
        PrimitiveKind.UInt => "uint",
        PrimitiveKind.Long => "long",
        PrimitiveKind.ULong => "ulong",
        PrimitiveKind.NInt => "nint",
        PrimitiveKind.NUInt => "nuint",
        PrimitiveKind.Float => "float",
        PrimitiveKind.Double => "double",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Size in bytes on linux-x64 (the only target the bindings are generated for).</summary>
    public static int Size(this PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.SByte or PrimitiveKind.Byte => 1,
        PrimitiveKind.Short or PrimitiveKind.UShort => 2,
        PrimitiveKind.Int or PrimitiveKind.UInt or PrimitiveKind.Float => 4,
        _ => 8,
    };

    public static bool IsSigned(this PrimitiveKind kind) => kind is PrimitiveKind.SByte or PrimitiveKind.Short
        or PrimitiveKind.Int or PrimitiveKind.Long or PrimitiveKind.NInt or PrimitiveKind.Float or PrimitiveKind.Double;

    public static bool IsInteger(this PrimitiveKind kind) => kind is not (PrimitiveKind.Float or PrimitiveKind.Double);

    /// <summary>Whether C# allows the type as the element of a <c>fixed</c> buffer.</summary>
    public static bool AllowedInFixedBuffer(this PrimitiveKind kind) => kind is not (PrimitiveKind.NInt or PrimitiveKind.NUInt);

    /// <summary>Whether C# allows the type as the underlying type of an enum.</summary>
    public static bool AllowedAsEnumBase(this PrimitiveKind kind) =>
        kind.IsInteger() && kind is not (PrimitiveKind.NInt or PrimitiveKind.NUInt);
}
