namespace TensorPool.BindingsGen.Parsing;

/// <summary>
/// The comment that documents a macro: clang attaches no comment to a macro definition, so the lines right above the
/// <c>#define</c> are read: a <c>/* ... */</c> block that ends on the line before, or a run of <c>//</c> lines.
/// </summary>
internal sealed class MacroComments
{
    private readonly Dictionary<string, string[]> _files = new(StringComparer.Ordinal);

    public string? Before(string file, int line)
    {
        if (!_files.TryGetValue(file, out string[]? lines))
        {
            lines = File.ReadAllText(file).Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n');
            _files.Add(file, lines);
        }
        int end = line - 2; // 0-based index of the line above the #define
        if (end < 0 || end >= lines.Length)
        {
            return null;
        }
        string last = lines[end].Trim();
        int start = end;
        if (last.EndsWith("*/", StringComparison.Ordinal))
        {
            while (start >= 0 && !lines[start].Contains("/*", StringComparison.Ordinal))
            {
                start--;
            }
            if (start < 0 || !lines[start].TrimStart().StartsWith("/*", StringComparison.Ordinal))
            {
                return null;
            }
        }
        else if (last.StartsWith("//", StringComparison.Ordinal))
        {
            while (start > 0 && lines[start - 1].TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                start--;
            }
        }
        else
        {
            return null;
        }
        return CommentText.Clean(string.Join('\n', lines[start..(end + 1)]));
    }
}
