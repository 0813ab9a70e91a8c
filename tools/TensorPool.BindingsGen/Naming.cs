using System.Text;

namespace TensorPool.BindingsGen;

/// <summary>
/// The naming rules from C to C# (docs/CONTRIBUTING.md, "Bindings"):
/// <list type="bullet">
/// <item>types: <c>tp_slot_header_t</c> → <c>TpSlotHeader</c> (drop <c>tp_</c> and a <c>_t</c>/<c>_stct</c>/<c>_en</c> suffix, PascalCase, prefix <c>Tp</c>);</item>
/// <item>fields: <c>seq_commit</c> → <c>SeqCommit</c>; parameters: <c>out_region</c> → <c>outRegion</c>;</item>
/// <item>enum members: the prefix shared by every member and the enum's name is dropped: <c>TP_REGION_ACCESS_READ_ONLY</c> → <c>ReadOnly</c>;</item>
/// <item>anonymous-enum constants: <c>TP_SUPERBLOCK_SIZE</c> → <c>SuperblockSize</c> in <c>Tp&lt;Header&gt;Constants</c>;</item>
/// <item>functions keep their C names in <c>NativeMethods</c>.</item>
/// </list>
/// Another library's prefix (<see cref="GeneratorOptions.SymbolPrefix"/>) takes the place of <c>tp</c>:
/// <c>aeron_image_t</c> → <c>AeronImage</c>, <c>AERON_PUBLICATION_CLOSED</c> → <c>PublicationClosed</c>.
/// </summary>
internal static class Naming
{
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    ];

    private static readonly string[] TypeSuffixes = ["_t", "_stct", "_en"];

    /// <summary>The project's own prefix.</summary>
    public const string DefaultPrefix = "tp";

    /// <summary><c>tp_slot_header_t</c> → <c>TpSlotHeader</c>.</summary>
    public static string TypeName(string cName, string prefix = DefaultPrefix)
    {
        // The library's own handle type (aeron_t, aeron_stct) is the prefix alone: AeronT would read as a typo.
        if (TypeSuffixes.Any(suffix => cName == prefix.ToLowerInvariant() + suffix))
        {
            return Pascal(prefix);
        }
        string core = StripPrefix(cName, prefix);
        foreach (string suffix in TypeSuffixes)
        {
            if (core.Length > suffix.Length && core.EndsWith(suffix, StringComparison.Ordinal))
            {
                core = core[..^suffix.Length];
                break;
            }
        }
        return Pascal(prefix) + Pascal(core);
    }

    /// <summary><c>error.h</c> → <c>Error</c>: the stem of a header's generated file and constants class.</summary>
    public static string HeaderStem(string headerFileName) => Pascal(Path.GetFileNameWithoutExtension(headerFileName));

    /// <summary>
    /// <c>error.h</c> → <c>TpErrorConstants</c>; a header named after the prefix keeps its stem
    /// (<c>aeronc.h</c> → <c>AeroncConstants</c>).
    /// </summary>
    public static string ConstantsClass(string headerFileName, string prefix = DefaultPrefix)
    {
        string stem = HeaderStem(headerFileName);
        string type = Pascal(prefix);
        return (stem.StartsWith(type, StringComparison.Ordinal) ? stem : type + stem) + "Constants";
    }

    /// <summary><c>seq_commit</c> → <c>SeqCommit</c>.</summary>
    public static string FieldName(string cName) => Pascal(cName);

    /// <summary><c>TP_SUPERBLOCK_SIZE</c> → <c>SuperblockSize</c>.</summary>
    public static string ConstantName(string cName, string prefix = DefaultPrefix) => Pascal(StripPrefix(cName, prefix));

    /// <summary><c>out_region</c> → <c>outRegion</c>, keywords escaped with <c>@</c>.</summary>
    public static string ParameterName(string cName)
    {
        string pascal = Pascal(cName);
        string camel = char.ToLowerInvariant(pascal[0]) + pascal[1..];
        return Keywords.Contains(camel) ? "@" + camel : camel;
    }

    /// <summary>
    /// The C# names of an enum's members: drop the longest prefix ending in <c>_</c> that every member shares and
    /// that the enum's own name also starts with (<c>tp_region_access_t</c> → at most <c>TP_REGION_ACCESS_</c>),
    /// so <c>TP_REGION_ACCESS_READ_ONLY</c> becomes <c>ReadOnly</c>, not <c>Only</c>. A member never becomes
    /// empty or starts with a digit.
    /// </summary>
    public static IReadOnlyList<string> EnumMemberNames(string enumCName, IReadOnlyList<string> cNames)
    {
        string typePrefix = EnumTypePrefix(enumCName);
        int prefix = CommonPrefixLength(cNames, typePrefix);
        return cNames.Select(n => Pascal(n[prefix..])).ToList();
    }

    /// <summary><c>tp_region_access_t</c> → <c>TP_REGION_ACCESS_</c>.</summary>
    private static string EnumTypePrefix(string enumCName)
    {
        string core = enumCName;
        foreach (string suffix in TypeSuffixes)
        {
            if (core.Length > suffix.Length && core.EndsWith(suffix, StringComparison.Ordinal))
            {
                core = core[..^suffix.Length];
                break;
            }
        }
        return core.ToUpperInvariant() + "_";
    }

    private static int CommonPrefixLength(IReadOnlyList<string> names, string typePrefix)
    {
        if (names.Count == 0)
        {
            return 0;
        }
        // Candidate cut points: just after each '_' of the first name, longest first.
        string first = names[0];
        for (int cut = first.LastIndexOf('_'); cut >= 0; cut = cut == 0 ? -1 : first.LastIndexOf('_', cut - 1))
        {
            int length = cut + 1;
            string prefix = first[..length];
            if (typePrefix.StartsWith(prefix, StringComparison.Ordinal)
                && names.All(n => n.Length > length && n.StartsWith(prefix, StringComparison.Ordinal) && char.IsLetter(n[length])))
            {
                return length;
            }
        }
        return 0;
    }

    private static string StripPrefix(string name, string prefix)
    {
        string lower = prefix.ToLowerInvariant() + "_";
        string upper = prefix.ToUpperInvariant() + "_";
        if (name.StartsWith(lower, StringComparison.Ordinal) || name.StartsWith(upper, StringComparison.Ordinal))
        {
            string rest = name[lower.Length..];
            if (rest.Length > 0 && char.IsLetter(rest[0]))
            {
                return rest;
            }
        }
        return name;
    }

    /// <summary>
    /// snake_case or SCREAMING_CASE to PascalCase: split at '_', capitalise each part; an all-capitals part is
    /// lower-cased after its first letter (<c>ERR_IO</c> → <c>ErrIo</c>), a mixed-case part keeps its case.
    /// </summary>
    public static string Pascal(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (string part in name.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            bool allUpper = !part.Any(char.IsLower);
            sb.Append(char.ToUpperInvariant(part[0]));
            sb.Append(allUpper ? part[1..].ToLowerInvariant() : part[1..]);
        }
        if (sb.Length == 0 || char.IsDigit(sb[0]))
        {
            sb.Insert(0, '_');
        }
        return sb.ToString();
    }
}
