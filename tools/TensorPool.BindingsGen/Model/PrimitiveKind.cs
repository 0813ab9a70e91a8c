namespace TensorPool.BindingsGen.Model;

/// <summary>The C scalar types a binding may use, by their C# spelling.</summary>
internal enum PrimitiveKind
{
    SByte,
    Byte,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    NInt,
    NUInt,
    Float,
    Double,
}
