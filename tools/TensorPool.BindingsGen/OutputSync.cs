using System.Text;

namespace TensorPool.BindingsGen;

/// <summary>
/// Brings the files on disk in line with a <see cref="GenerationResult"/> (write mode) or reports how they differ
/// (check mode). Only generated outputs are touched: the listed files and stale <c>*.g.cs</c> in the C# output folder.
/// </summary>
public static class OutputSync
{
    private const int MaxDiffLines = 12;

    /// <summary>Writes changed files (unchanged ones keep their timestamps) and deletes stale <c>*.g.cs</c>.</summary>
    public static (int Written, int Unchanged, int Deleted) Write(GenerationResult result)
    {
        int written = 0, unchanged = 0, deleted = 0;
        foreach (GeneratedFile file in result.Files)
        {
            if (File.Exists(file.Path) && File.ReadAllText(file.Path) == file.Content)
            {
                unchanged++;
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
            File.WriteAllText(file.Path, file.Content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            written++;
        }
        foreach (string stale in StaleFiles(result))
        {
            File.Delete(stale);
            deleted++;
        }
        return (written, unchanged, deleted);
    }

    /// <summary>Describes every difference between disk and <paramref name="result"/>; empty when they match.</summary>
    public static IReadOnlyList<string> Check(GenerationResult result, Func<string, string> display)
    {
        var differences = new List<string>();
        foreach (GeneratedFile file in result.Files)
        {
            if (!File.Exists(file.Path))
            {
                differences.Add($"{display(file.Path)}: missing (run ./build.sh bindings)");
                continue;
            }
            string existing = File.ReadAllText(file.Path);
            if (existing != file.Content)
            {
                differences.Add($"{display(file.Path)}: differs from what the headers generate (run ./build.sh bindings)\n" +
                    ShortDiff(existing, file.Content));
            }
        }
        foreach (string stale in StaleFiles(result))
        {
            differences.Add($"{display(stale)}: stale, no header generates it any more (run ./build.sh bindings)");
        }
        return differences;
    }

    private static List<string> StaleFiles(GenerationResult result)
    {
        if (!Directory.Exists(result.CSharpOutputDirectory))
        {
            return [];
        }
        var expected = result.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFiles(result.CSharpOutputDirectory, "*.g.cs")
            .Select(Path.GetFullPath)
            .Where(p => !expected.Contains(p))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The changed region between two texts: common leading and trailing lines are dropped and at most
    /// <see cref="MaxDiffLines"/> lines of each side are shown, numbered as in the new text.
    /// </summary>
    public static string ShortDiff(string oldText, string newText)
    {
        string[] before = oldText.Split('\n');
        string[] after = newText.Split('\n');
        int start = 0;
        while (start < before.Length && start < after.Length && before[start] == after[start])
        {
            start++;
        }
        int endBefore = before.Length, endAfter = after.Length;
        while (endBefore > start && endAfter > start && before[endBefore - 1] == after[endAfter - 1])
        {
            endBefore--;
            endAfter--;
        }
        var sb = new StringBuilder();
        sb.Append("  @@ line ").Append(start + 1).Append(" @@\n");
        AppendSide(sb, '-', before, start, endBefore);
        AppendSide(sb, '+', after, start, endAfter);
        return sb.ToString().TrimEnd('\n');
    }

    private static void AppendSide(StringBuilder sb, char sign, string[] lines, int start, int end)
    {
        int shown = Math.Min(end - start, MaxDiffLines);
        for (int i = start; i < start + shown; i++)
        {
            sb.Append("  ").Append(sign).Append(' ').Append(lines[i].TrimEnd('\r')).Append('\n');
        }
        if (end - start > shown)
        {
            sb.Append("  ").Append(sign).Append(" ... (").Append(end - start - shown).Append(" more lines)\n");
        }
    }
}
