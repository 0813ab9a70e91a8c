using System.Collections.Generic;
using System.Linq;
using TensorPool.Sbe.Generator.Model;

namespace TensorPool.Sbe.Generator.Emit;

/// <summary>SBE enums and sets as C# enums, with the helpers that keep unknown raw values visible.</summary>
internal static class EnumEmitter
{
    public static void Emit(CodeWriter w, SbeSchema schema, SbeEnum e)
    {
        string name = Names.Pascal(e.Name);
        w.Summary($"{e.Name}: enum of schema {schema.Id}, encoded as {e.Encoding.SbeName}. A decoded value may be unknown to this schema: check IsKnown() or use the decoder's TryGet method.");
        w.Open($"public enum {name} : {e.Encoding.CsType}");
        foreach (KeyValuePair<string, string> v in e.Values)
        {
            w.Summary(v.Key);
            w.Line($"{Names.EnumMember(v.Key)} = {v.Value},");
        }
        w.Close();
        w.Line();
        w.Summary($"Schema names and validity of {name} values.");
        w.Open($"public static class {name}Extensions");
        w.Summary("True when the value is one the schema defines.");
        w.Open($"public static bool IsKnown(this {name} value)");
        if (e.Values.Count == 0)
        {
            w.Line("return false;");
        }
        else
        {
            w.Line("return value is " + string.Join(" or ", e.Values.Select(v => name + "." + Names.EnumMember(v.Key))) + ";");
        }
        w.Close();
        w.Line();
        w.Summary("The schema's name of the value (MONOTONIC...), or null when it is unknown.");
        w.Open($"public static string? ToSbeName(this {name} value)");
        w.Open("return value switch");
        foreach (KeyValuePair<string, string> v in e.Values)
        {
            w.Line($"{name}.{Names.EnumMember(v.Key)} => {Names.Quote(v.Key)},");
        }
        w.Line("_ => null,");
        w.Close(";");
        w.Close();
        w.Line();
        w.Summary("Parses a schema name (exact, case-sensitive).");
        w.Open($"public static bool TryParseSbeName(string name, out {name} value)");
        w.Open("switch (name)");
        foreach (KeyValuePair<string, string> v in e.Values)
        {
            w.Line($"case {Names.Quote(v.Key)}: value = {name}.{Names.EnumMember(v.Key)}; return true;");
        }
        w.Line("default: value = default; return false;");
        w.Close();
        w.Close();
        w.Line();
        w.Summary("The schema names, for messages that list them.");
        w.Line("public static string[] SbeNames => [" + string.Join(", ", e.Values.Select(v => Names.Quote(v.Key))) + "];");
        w.Close();
        w.Line();
    }

    public static void Emit(CodeWriter w, SbeSchema schema, SbeSet s)
    {
        string name = Names.Pascal(s.Name);
        ulong mask = 0;
        w.Summary($"{s.Name}: bit set of schema {schema.Id}, encoded as {s.Encoding.SbeName}. Bits the schema does not define are kept; check IsKnown().");
        w.Line("[Flags]");
        w.Open($"public enum {name} : {s.Encoding.CsType}");
        w.Line("None = 0,");
        foreach (KeyValuePair<string, int> c in s.Choices)
        {
            mask |= 1UL << c.Value;
            w.Summary($"{c.Key} (bit {c.Value})");
            w.Line($"{Names.EnumMember(c.Key)} = ({s.Encoding.CsType})(1UL << {c.Value}),");
        }
        w.Close();
        w.Line();
        w.Open($"public static class {name}Extensions");
        w.Summary("True when no bit outside the schema's choices is set.");
        w.Line($"public static bool IsKnown(this {name} value) => ((ulong)value & ~{mask}UL) == 0;");
        w.Close();
        w.Line();
    }
}
