using TensorPool.BindingsGen;
using TensorPool.Testing;

namespace TensorPool.Native.Tests.BindingsGen;

public class OutputSyncTests
{
    private static GenerationResult Result(string root, params (string Name, string Content)[] files) =>
        new(files.Select(f => new GeneratedFile(Path.Combine(root, "Generated", f.Name), f.Content)).ToList(),
            Path.Combine(root, "Generated"), Path.Combine(root, "abi"));

    /// <summary>Files already on disk in root/Generated; returns that folder.</summary>
    private static string Existing(string root, params (string Name, string Content)[] files)
    {
        string generated = Path.Combine(root, "Generated");
        Directory.CreateDirectory(generated);
        foreach ((string name, string content) in files)
        {
            File.WriteAllText(Path.Combine(generated, name), content);
        }
        return generated;
    }

    [Test]
    public void Write_creates_changes_and_keeps_unchanged_files_untouched()
    {
        using var temp = new TempDirectory();
        string generated = Existing(temp.Path, ("Same.g.cs", "same\n"), ("Changed.g.cs", "old\n"));
        var old = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(generated, "Same.g.cs"), old);

        (int written, int unchanged, int deleted) = OutputSync.Write(Result(temp.Path, ("Same.g.cs", "same\n"), ("Changed.g.cs", "new\n"), ("New.g.cs", "n\n")));

        Assert.That((written, unchanged, deleted), Is.EqualTo((2, 1, 0)));
        Assert.That(File.ReadAllText(Path.Combine(generated, "Changed.g.cs")), Is.EqualTo("new\n"));
        Assert.That(File.ReadAllText(Path.Combine(generated, "New.g.cs")), Is.EqualTo("n\n"));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(generated, "Same.g.cs")), Is.EqualTo(old), "unchanged files are not rewritten");
    }

    [Test]
    public void Write_deletes_stale_generated_files_and_nothing_else()
    {
        using var temp = new TempDirectory();
        string generated = Existing(temp.Path, ("Gone.g.cs", "x"), ("HandWritten.cs", "x"));
        (_, _, int deleted) = OutputSync.Write(Result(temp.Path, ("Kept.g.cs", "k")));
        Assert.That(deleted, Is.EqualTo(1));
        Assert.That(File.Exists(Path.Combine(generated, "Gone.g.cs")), Is.False);
        Assert.That(File.Exists(Path.Combine(generated, "HandWritten.cs")), Is.True);
    }

    [Test]
    public void Write_emits_utf8_without_bom()
    {
        using var temp = new TempDirectory();
        OutputSync.Write(Result(temp.Path, ("A.g.cs", "§ x\n")));
        Assert.That(File.ReadAllBytes(Path.Combine(temp.Path, "Generated", "A.g.cs"))[0], Is.EqualTo((byte)0xC2));
    }

    [Test]
    public void Check_is_empty_when_disk_matches_and_names_each_difference_otherwise()
    {
        using var temp = new TempDirectory();
        GenerationResult result = Result(temp.Path, ("A.g.cs", "a\n"), ("B.g.cs", "b\n"));
        OutputSync.Write(result);
        Assert.That(OutputSync.Check(result, p => Path.GetFileName(p)), Is.Empty);

        File.WriteAllText(Path.Combine(temp.Path, "Generated", "A.g.cs"), "edited\n");
        File.Delete(Path.Combine(temp.Path, "Generated", "B.g.cs"));
        File.WriteAllText(Path.Combine(temp.Path, "Generated", "C.g.cs"), "c\n");
        IReadOnlyList<string> differences = OutputSync.Check(result, p => Path.GetFileName(p));
        Assert.That(differences, Has.Count.EqualTo(3));
        Assert.That(differences[0], Does.StartWith("A.g.cs: differs").And.Contain("- edited").And.Contain("+ a"));
        Assert.That(differences[1], Does.StartWith("B.g.cs: missing"));
        Assert.That(differences[2], Does.StartWith("C.g.cs: stale"));
    }

    [Test]
    public void Short_diff_shows_only_the_changed_region_and_caps_long_ones()
    {
        string diff = OutputSync.ShortDiff("a\nb\nc\nd\n", "a\nB\nc\nd\n");
        Assert.That(diff, Is.EqualTo("  @@ line 2 @@\n  - b\n  + B"));
        string longOld = string.Join('\n', Enumerable.Range(0, 40).Select(i => "old" + i));
        string longDiff = OutputSync.ShortDiff(longOld, "new\n");
        Assert.That(longDiff, Does.Contain("  - ... (28 more lines)"));
    }
}
