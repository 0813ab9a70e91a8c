namespace TensorPool.BindingsGen.Parsing;

/// <summary>Turns a raw C comment (<c>/* ... */</c>, <c>/** ... */</c>, <c>// ...</c>) into plain text lines.</summary>
internal static class CommentText
{
    public static string? Clean(string raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var lines = new List<string>();
        foreach (string rawLine in raw.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n'))
        {
            string line = rawLine.Trim();
            line = StripStart(line, "/**<", "/*!<", "///<", "//!<", "/**", "/*!", "/*", "///", "//!", "//");
            if (line.EndsWith("*/", StringComparison.Ordinal))
            {
                line = line[..^2].TrimEnd();
            }
            if (line.StartsWith('*'))
            {
                line = line[1..];
            }
            lines.Add(line.Trim());
        }
        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    private static string StripStart(string line, params string[] markers)
    {
        foreach (string marker in markers)
        {
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                return line[marker.Length..].TrimStart();
            }
        }
        return line;
    }
}
