using System.Globalization;
using TensorPool.BindingsGen.Model;

namespace TensorPool.BindingsGen.Emit;

/// <summary>Spells mapped C types in C#, given the C# names of the tp_ structs and enums.</summary>
internal sealed class TypeNames(IReadOnlyDictionary<string, string> namesByKey)
{
    /// <summary>The C# type; <paramref name="asParameter"/> turns <c>const char *</c> into a marshalled <c>string</c>.</summary>
    public string Spell(CType type, bool asParameter = false) => type switch
    {
        VoidType => "void",
        PrimitiveType p => p.Kind.Keyword(),
        PointerType { IsConstCharPointer: true } when asParameter => "string",
        PointerType p => Spell(p.Pointee) + "*",
        StructRefType s => namesByKey[s.Key],
        EnumRefType e => namesByKey[e.Key],
        OpaqueRefType o => namesByKey[o.Key],
        FunctionPointerType f => "delegate* unmanaged[Cdecl]<" +
            string.Join(", ", f.Parameters.Select(p => Spell(p)).Append(Spell(f.Return))) + ">",
        _ => throw new InvalidOperationException($"{type} has no C# spelling outside a struct field"),
    };

    /// <summary>A trailing comment naming the C function-pointer typedefs a type was spelled with, or "".</summary>
    public static string TypedefComment(CType type)
    {
        var names = new List<string>();
        void Collect(CType t)
        {
            switch (t)
            {
                case PointerType p:
                    Collect(p.Pointee);
                    break;
                case ArrayType a:
                    Collect(a.Element);
                    break;
                case FunctionPointerType { TypedefName: { } name }:
                    names.Add(name);
                    break;
            }
        }
        Collect(type);
        return names.Count == 0 ? string.Empty : " /* " + string.Join(", ", names) + " */";
    }

    /// <summary>An integer literal for a constant of the given type: hex from 0x10000 up (magic numbers read better), else decimal.</summary>
    public static string Literal(Int128 value) => value >= 0x10000
        ? "0x" + ((UInt128)value).ToString("X", CultureInfo.InvariantCulture)
        : value.ToString(CultureInfo.InvariantCulture);
}
