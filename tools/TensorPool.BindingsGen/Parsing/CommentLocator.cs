using TensorPool.BindingsGen.Clang;

namespace TensorPool.BindingsGen.Parsing;

/// <summary>
/// Decides which comment belongs to a declaration. With -fparse-all-comments clang attaches the nearest comment
/// before a declaration even across enumerators (<c>/* Offsets */ A = 0, B = 8,</c> gives B the comment of A), so
/// a comment is kept only when it is a trailing comment on the declaration's own lines, or a leading comment that
/// stands on its own lines and ends right before the declaration.
/// </summary>
internal sealed class CommentLocator
{
    private readonly Dictionary<string, byte[][]> _files = new(StringComparer.Ordinal);

    public string? Comment(CXCursor cursor)
    {
        string raw = cursor.RawComment();
        if (raw.Length == 0)
        {
            return null;
        }
        (SourceLocation start, SourceLocation end) = cursor.CommentExtent();
        (SourceLocation declStart, SourceLocation declEnd) = cursor.Extent();
        int lastLine = Math.Max(declEnd.Line, cursor.Location().Line);
        if (start.File.Length == 0 || start.File != declStart.File)
        {
            return null;
        }
        bool codeBefore = HasCodeBefore(start);
        bool trailing = codeBefore && start.Line >= declStart.Line && start.Line <= lastLine;
        bool leading = !codeBefore && (end.Line == declStart.Line - 1
            || end.Line == declStart.Line && end.Column <= declStart.Column);
        return trailing || leading ? CommentText.Clean(raw) : null;
    }

    /// <summary>Whether anything but blanks precedes <paramref name="at"/> on its line (columns count bytes).</summary>
    private bool HasCodeBefore(SourceLocation at)
    {
        if (!_files.TryGetValue(at.File, out byte[][]? lines))
        {
            lines = Split(File.ReadAllBytes(at.File));
            _files.Add(at.File, lines);
        }
        if (at.Line < 1 || at.Line > lines.Length)
        {
            return false;
        }
        byte[] line = lines[at.Line - 1];
        int before = Math.Min(at.Column - 1, line.Length);
        for (int i = 0; i < before; i++)
        {
            if (line[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return true;
            }
        }
        return false;
    }

    private static byte[][] Split(byte[] content)
    {
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i <= content.Length; i++)
        {
            if (i == content.Length || content[i] == (byte)'\n')
            {
                lines.Add(content[start..i]);
                start = i + 1;
            }
        }
        return lines.ToArray();
    }
}
