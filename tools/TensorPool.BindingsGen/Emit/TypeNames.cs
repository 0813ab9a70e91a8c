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

    /// <summary>A decimal integer literal (exact for every enum base type, negative values included).</summary>
    public static string Literal(Int128 value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A C# regular string literal with its escapes.</summary>
    public static string StringLiteral(string value)
    {
        var text = new System.Text.StringBuilder("\"");
        foreach (char c in value)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }

    /// <summary>" // 0x..." after large non-negative values, where the hex form is how C authors write them (magics, masks).</summary>
    public static string HexComment(Int128 value) =>
        value >= 0x10000 ? " // 0x" + ((UInt128)value).ToString("X", CultureInfo.InvariantCulture) : string.Empty;
}
