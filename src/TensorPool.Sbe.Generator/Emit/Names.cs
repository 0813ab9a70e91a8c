using System.Globalization;
using System.Text;
using TensorPool.Sbe.Generator.Model;

namespace TensorPool.Sbe.Generator.Emit;

/// <summary>How schema names become C# names.</summary>
internal static class Names
{
    public const string Inline = "[MethodImpl(MethodImplOptions.AggressiveInlining)]";

    /// <summary>streamId → StreamId.</summary>
    public static string Pascal(string name) =>
        name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

    /// <summary>REALTIME_SYNCED → RealtimeSynced; names already in mixed case keep their shape.</summary>
    public static string EnumMember(string name)
    {
        bool upper = System.Linq.Enumerable.Contains(name, '_') || !System.Linq.Enumerable.Any(name, char.IsLower);
        var sb = new StringBuilder();
        foreach (string part in name.Split(['_'], System.StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append(char.ToUpperInvariant(part[0]));
            sb.Append(upper ? part.Substring(1).ToLowerInvariant() : part.Substring(1));
        }
        string result = sb.ToString();
        return result.Length == 0 || char.IsDigit(result[0]) ? "_" + result : result;
    }

    public static string Decoder(Container c) => Pascal(c.Name) + "Decoder";

    public static string Encoder(Container c) => Pascal(c.Name) + "Encoder";

    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    public static string Xml(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    public static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>C# type of a field's value (the enum or set type for those).</summary>
    public static string ValueType(Field f) => f.Kind switch
    {
        FieldKind.Enum => Pascal(f.Enum!.Name),
        FieldKind.Set => Pascal(f.Set!.Name),
        _ => f.Primitive.CsType,
    };

    /// <summary>Bytes of a char/uint8 array are exposed as a span of bytes.</summary>
    public static bool IsByteArray(Field f) => f.Kind == FieldKind.Array && f.Primitive.IsCharOrByte;

    /// <summary>The JSON names of a container's members, sorted as the reference JSON sorts them.</summary>
    public static string[] SortedJsonNames(Container c)
    {
        var names = new System.Collections.Generic.List<string>();
        foreach (Field f in c.Fields)
        {
            names.Add(f.Name);
        }
        foreach (Section s in c.Sections)
        {
            names.Add(s.Name);
        }
        names.Sort(System.StringComparer.Ordinal);
        return names.ToArray();
    }

    public static string KnownKeys(Container c) => string.Join(", ", System.Linq.Enumerable.Select(SortedJsonNames(c), Quote));
}
