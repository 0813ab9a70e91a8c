using System.Text;

namespace TensorPool.BindingsGen.Emit;

/// <summary>Builds generated text with LF line endings and four-space indentation, independent of the host.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }
        _text.Append('\n');
    }

    public void Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>A comment's lines as <c>/// &lt;summary&gt;</c> (XML-escaped).</summary>
    public void Summary(string? comment)
    {
        if (comment is null)
        {
            return;
        }
        string[] lines = comment.Split('\n');
        if (lines.Length == 1)
        {
            Line($"/// <summary>{Escape(lines[0])}</summary>");
            return;
        }
        Line("/// <summary>");
        foreach (string line in lines)
        {
            Line(("/// " + Escape(line)).TrimEnd());
        }
        Line("/// </summary>");
    }

    public static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    public override string ToString() => _text.ToString();
}
