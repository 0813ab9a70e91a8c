using System.Globalization;
using System.Text;
using TensorPool.BindingsGen.Clang;
using TensorPool.BindingsGen.Model;

namespace TensorPool.BindingsGen.Parsing;

/// <summary>
/// Binds object-like macros named <c>&lt;PREFIX&gt;_*</c> (<see cref="GeneratorOptions.MacroConstants"/>), for libraries
/// whose constants are <c>#define</c>s rather than enums. A body of string literals becomes a string constant; any
/// other body is handed back to clang as <c>__auto_type v = (NAME);</c> in a second parse and evaluated there, so its
/// value and C type are the compiler's (<c>(-2L)</c> is a long, <c>(64u)</c> a uint, <c>sizeof(...)</c> a ulong).
/// What is not a constant (a function-like macro, a type, an expression clang cannot fold) is listed as not bound.
/// Empty macros (include guards, feature switches) are ignored.
/// </summary>
internal static unsafe class MacroReader
{
    private const string Function = "tensorpool_bindings_macros";
    private const string Variable = "tensorpool_bindings_macro_";

    private sealed record Candidate(string Name, HeaderModel Header, int Line, string? Comment);

    public static void Read(TranslationUnit unit, IReadOnlyList<string> headerPaths, IReadOnlyList<string> arguments,
        IReadOnlyList<HeaderModel> headers, GeneratorOptions options)
    {
        var byPath = headers.ToDictionary(h => h.Path, StringComparer.Ordinal);
        string prefix = options.SymbolPrefix.ToUpperInvariant() + "_";
        var comments = new MacroComments();
        var candidates = new List<Candidate>();
        var taken = headers.ToDictionary(h => h, h => new HashSet<string>(
            h.Enums.Where(e => e.Key is null).SelectMany(e => e.Constants).Select(c => c.Name), StringComparer.Ordinal));
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (CXCursor cursor in unit.Cursor.Children().Where(c => c.Kind == CXCursorKind.MacroDefinition))
        {
            SourceLocation at = cursor.Location();
            if (at.File.Length == 0 || !byPath.TryGetValue(Path.GetFullPath(at.File), out HeaderModel? header))
            {
                continue;
            }
            string name = cursor.Spelling();
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || LibClang.clang_Cursor_isMacroBuiltin(cursor) != 0
                || !seen.Add(name))
            {
                continue;
            }
            if (LibClang.clang_Cursor_isMacroFunctionLike(cursor) != 0)
            {
                header.Skipped.Add(new SkippedDecl(name, "function-like macro"));
                continue;
            }
            List<(int Kind, string Spelling)> body = Tokens(unit, cursor).Skip(1).ToList();
            if (body.Count == 0)
            {
                continue;
            }
            string csharpName = Naming.ConstantName(name, options.SymbolPrefix);
            if (!taken[header].Add(csharpName))
            {
                header.Skipped.Add(new SkippedDecl(name, $"its C# name '{csharpName}' is taken"));
                continue;
            }
            string? comment = comments.Before(at.File, at.Line);
            List<(int Kind, string Spelling)> inner = StripParentheses(body);
            if (inner.Count > 0 && inner.All(t => t.Kind == LibClang.TokenLiteral && t.Spelling.StartsWith('"')))
            {
                string? value = StringLiteral(inner.Select(t => t.Spelling));
                if (value is null)
                {
                    header.Skipped.Add(new SkippedDecl(name, "string literal with escapes the generator does not read"));
                }
                else
                {
                    header.StringConstants.Add(new StringConstant(name, csharpName, value, comment));
                }
                continue;
            }
            candidates.Add(new Candidate(name, header, 0, comment));
        }
        if (candidates.Count > 0)
        {
            Evaluate(candidates, headerPaths, arguments, options);
        }
    }

    /// <summary>Second parse: each candidate initialises a variable in one function body; clang evaluates them.</summary>
    private static void Evaluate(List<Candidate> candidates, IReadOnlyList<string> headerPaths, IReadOnlyList<string> arguments,
        GeneratorOptions options)
    {
        var suffix = new StringBuilder();
        suffix.Append("void ").Append(Function).Append("(void);\n");
        suffix.Append("void ").Append(Function).Append("(void)\n{\n");
        int firstLine = headerPaths.Count + 4; // after the includes, the prototype, the definition line and "{"
        for (int i = 0; i < candidates.Count; i++)
        {
            suffix.Append("    __auto_type ").Append(Variable).Append(i.ToString(CultureInfo.InvariantCulture))
                .Append(" = (").Append(candidates[i].Name).Append(");\n");
        }
        suffix.Append("}\n");

        using TranslationUnit unit = TranslationUnit.Parse(headerPaths, arguments, 0, suffix.ToString(), tolerateMainFileErrors: true);
        var variables = new Dictionary<string, CXCursor>(StringComparer.Ordinal);
        foreach (CXCursor function in unit.Cursor.Children().Where(c => c.Kind == CXCursorKind.FunctionDecl && c.Spelling() == Function && c.IsDefinition()))
        {
            foreach (CXCursor statement in function.Children().Where(c => c.Kind == CXCursorKind.CompoundStmt).SelectMany(c => c.Children()))
            {
                foreach (CXCursor variable in statement.Children().Where(c => c.Kind == CXCursorKind.VarDecl))
                {
                    variables[variable.Spelling()] = variable;
                }
            }
        }
        for (int i = 0; i < candidates.Count; i++)
        {
            Candidate candidate = candidates[i];
            string reason;
            if (unit.MainFileErrors.TryGetValue(firstLine + i, out string? clangError))
            {
                reason = "not an expression: " + clangError;
            }
            else if (!variables.TryGetValue(Variable + i.ToString(CultureInfo.InvariantCulture), out CXCursor variable))
            {
                reason = "not an expression";
            }
            else if (TryEvaluate(variable, out PrimitiveKind type, out Int128 value, out reason))
            {
                candidate.Header.MacroConstants.Add(new EnumConstant(candidate.Name,
                    Naming.ConstantName(candidate.Name, options.SymbolPrefix), type, value, candidate.Comment));
                continue;
            }
            candidate.Header.Skipped.Add(new SkippedDecl(candidate.Name, reason));
        }
    }

    private static bool TryEvaluate(CXCursor variable, out PrimitiveKind type, out Int128 value, out string reason)
    {
        type = default;
        value = 0;
        CXType canonical = variable.Type().Canonical();
        if (canonical.Kind is CXTypeKind.Pointer or CXTypeKind.Record or CXTypeKind.Float or CXTypeKind.Double or CXTypeKind.Bool)
        {
            reason = $"not an integer constant (a {canonical.Spelling()})";
            return false;
        }
        try
        {
            type = TypeMapper.Primitive(canonical);
        }
        catch (UnsupportedConstructException)
        {
            reason = $"not an integer constant (a {canonical.Spelling()})";
            return false;
        }
        nint result = LibClang.clang_Cursor_Evaluate(variable);
        if (result == 0)
        {
            reason = "not a constant expression";
            return false;
        }
        try
        {
            if (LibClang.clang_EvalResult_getKind(result) != LibClang.EvalInt)
            {
                reason = "not an integer constant";
                return false;
            }
            value = type.IsSigned()
                ? LibClang.clang_EvalResult_getAsLongLong(result)
                : LibClang.clang_EvalResult_getAsUnsigned(result);
            reason = string.Empty;
            return true;
        }
        finally
        {
            LibClang.clang_EvalResult_dispose(result);
        }
    }

    private static List<(int Kind, string Spelling)> Tokens(TranslationUnit unit, CXCursor cursor)
    {
        CXToken* tokens;
        uint count;
        LibClang.clang_tokenize(unit.Handle, LibClang.clang_getCursorExtent(cursor), &tokens, &count);
        var list = new List<(int, string)>((int)count);
        try
        {
            for (uint i = 0; i < count; i++)
            {
                int kind = LibClang.clang_getTokenKind(tokens[i]);
                if (kind != LibClang.TokenComment)
                {
                    list.Add((kind, LibClang.Take(LibClang.clang_getTokenSpelling(unit.Handle, tokens[i]))));
                }
            }
        }
        finally
        {
            if (tokens != null)
            {
                LibClang.clang_disposeTokens(unit.Handle, tokens, count);
            }
        }
        return list;
    }

    private static List<(int Kind, string Spelling)> StripParentheses(List<(int Kind, string Spelling)> tokens)
    {
        int start = 0, end = tokens.Count;
        while (end - start >= 2 && tokens[start].Spelling == "(" && tokens[end - 1].Spelling == ")")
        {
            start++;
            end--;
        }
        return tokens[start..end];
    }

    /// <summary>Adjacent plain string literals, concatenated; null when one has a prefix or an escape other than \\ \" \n \t.</summary>
    internal static string? StringLiteral(IEnumerable<string> literals)
    {
        var text = new StringBuilder();
        foreach (string literal in literals)
        {
            if (literal.Length < 2 || literal[0] != '"' || literal[^1] != '"')
            {
                return null;
            }
            for (int i = 1; i < literal.Length - 1; i++)
            {
                char c = literal[i];
                if (c != '\\')
                {
                    text.Append(c);
                    continue;
                }
                if (++i >= literal.Length - 1)
                {
                    return null;
                }
                switch (literal[i])
                {
                    case '\\':
                        text.Append('\\');
                        break;
                    case '"':
                        text.Append('"');
                        break;
                    case 'n':
                        text.Append('\n');
                        break;
                    case 't':
                        text.Append('\t');
                        break;
                    default:
                        return null;
                }
            }
        }
        return text.ToString();
    }
}
