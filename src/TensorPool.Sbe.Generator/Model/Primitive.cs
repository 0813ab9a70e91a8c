using System;
using System.Globalization;

namespace TensorPool.Sbe.Generator.Model;

/// <summary>An SBE primitive type: its size, C# spelling, range and default null value (SBE 1.0 §2.2.2).</summary>
internal sealed class Primitive
{
    private Primitive(string sbeName, int size, string csType, string readName, bool signed, bool floating,
        string minValue, string maxValue, string nullValue)
    {
        SbeName = sbeName;
        Size = size;
        CsType = csType;
        ReadName = readName;
        IsSigned = signed;
        IsFloating = floating;
        MinValue = minValue;
        MaxValue = maxValue;
        NullValue = nullValue;
    }

    public string SbeName { get; }

    public int Size { get; }

    /// <summary>The C# keyword for the type (byte, uint, double...).</summary>
    public string CsType { get; }

    /// <summary>Suffix of the runtime read/write helpers (UInt32, Int64, Double...).</summary>
    public string ReadName { get; }

    public bool IsSigned { get; }

    public bool IsFloating { get; }

    /// <summary>Smallest valid value, as a decimal literal.</summary>
    public string MinValue { get; }

    /// <summary>Largest valid value, as a decimal literal.</summary>
    public string MaxValue { get; }

    /// <summary>The default null sentinel, as a decimal literal (or "NaN").</summary>
    public string NullValue { get; }

    public bool IsCharOrByte => SbeName == "char" || SbeName == "uint8";

    public static Primitive? Find(string name) => name switch
    {
        "char" => new Primitive("char", 1, "byte", "UInt8", false, false, "32", "126", "0"),
        "int8" => new Primitive("int8", 1, "sbyte", "Int8", true, false, "-127", "127", "-128"),
        "uint8" => new Primitive("uint8", 1, "byte", "UInt8", false, false, "0", "254", "255"),
        "int16" => new Primitive("int16", 2, "short", "Int16", true, false, "-32767", "32767", "-32768"),
        "uint16" => new Primitive("uint16", 2, "ushort", "UInt16", false, false, "0", "65534", "65535"),
        "int32" => new Primitive("int32", 4, "int", "Int32", true, false, "-2147483647", "2147483647", "-2147483648"),
        "uint32" => new Primitive("uint32", 4, "uint", "UInt32", false, false, "0", "4294967294", "4294967295"),
        "int64" => new Primitive("int64", 8, "long", "Int64", true, false, "-9223372036854775807", "9223372036854775807", "-9223372036854775808"),
        "uint64" => new Primitive("uint64", 8, "ulong", "UInt64", false, false, "0", "18446744073709551614", "18446744073709551615"),
        "float" => new Primitive("float", 4, "float", "Single", true, true, "-3.4028235E+38", "3.4028235E+38", "NaN"),
        "double" => new Primitive("double", 8, "double", "Double", true, true, "-1.7976931348623157E+308", "1.7976931348623157E+308", "NaN"),
        _ => null,
    };

    /// <summary>Checks that <paramref name="text"/> is a literal of this type and returns it normalised.</summary>
    public string ParseLiteral(string text, string what)
    {
        string t = text.Trim();
        if (IsFloating)
        {
            if (t == "NaN" || double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return t;
            }
        }
        else if (IsSigned)
        {
            if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) && InRange(v))
            {
                return v.ToString(CultureInfo.InvariantCulture);
            }
        }
        else if (ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u) && InRange(u))
        {
            return u.ToString(CultureInfo.InvariantCulture);
        }
        throw new SchemaException($"{what}: '{text}' is not a valid {SbeName} value");
    }

    /// <summary>A C# expression of type <see cref="CsType"/> for a normalised literal.</summary>
    public string CsLiteral(string literal)
    {
        if (IsFloating)
        {
            return literal == "NaN" ? CsType + ".NaN" : "(" + CsType + ")" + literal + (CsType == "float" ? "f" : "d");
        }
        switch (CsType)
        {
            case "ulong":
                return literal + "UL";
            case "long":
                return literal == "-9223372036854775808" ? "long.MinValue" : literal + "L";
            case "uint":
                return literal + "U";
            case "int":
                return literal == "-2147483648" ? "int.MinValue" : literal;
            default:
                return "(" + CsType + ")(" + literal + ")";
        }
    }

    private bool InRange(long v) => Size switch
    {
        1 => v >= sbyte.MinValue && v <= sbyte.MaxValue,
        2 => v >= short.MinValue && v <= short.MaxValue,
        4 => v >= int.MinValue && v <= int.MaxValue,
        _ => true,
    };

    private bool InRange(ulong v) => Size switch
    {
        1 => v <= byte.MaxValue,
        2 => v <= ushort.MaxValue,
        4 => v <= uint.MaxValue,
        _ => true,
    };
}
