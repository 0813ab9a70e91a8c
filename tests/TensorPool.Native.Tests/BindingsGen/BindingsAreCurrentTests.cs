using TensorPool.Testing;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>
/// The committed bindings/TensorPool.Native/Generated and native/abi are exactly what native/include generates:
/// this test makes ./build.sh test (and CI) fail when someone changes a header without ./build.sh bindings.
/// </summary>
public class BindingsAreCurrentTests
{
    [Test]
    public void Committed_bindings_match_what_the_headers_generate()
    {
        NativeProcess.Outcome outcome = GeneratorProcess.Run("--root", RepoPaths.Root, "--check");
        Assert.That(outcome.ExitCode, Is.Zero, () => "run ./build.sh bindings and commit the result.\n" + outcome);
        Assert.That(outcome.StandardOutput, Does.Contain("bindings are current"));
    }

    [Test]
    public void Check_mode_fails_naming_edited_missing_and_stale_files_and_write_mode_repairs_them()
    {
        using var repo = new TempDirectory(Path.GetTempPath(), "tp-bindings-check-");
        CopyRepositoryInputs(repo.Path);
        string generated = Path.Combine(repo.Path, "bindings", "TensorPool.Native", "Generated");
        string error = Path.Combine(generated, "Error.g.cs");
        File.WriteAllText(error, File.ReadAllText(error).Replace("ErrIo = -2,", "ErrIo = -3,", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(generated, "Removed.g.cs"), "// a header that no longer exists\n");
        File.Delete(Path.Combine(repo.Path, "native", "abi", "CMakeLists.txt"));

        NativeProcess.Outcome check = GeneratorProcess.Run("--root", repo.Path, "--check");
        Assert.That(check.ExitCode, Is.EqualTo(1), check.ToString);
        Assert.That(check.StandardError, Does.Contain("bindings/TensorPool.Native/Generated/Error.g.cs: differs"));
        Assert.That(check.StandardError, Does.Contain("  -     ErrIo = -3,").And.Contain("  +     ErrIo = -2,"), "a short diff");
        Assert.That(check.StandardError, Does.Contain("bindings/TensorPool.Native/Generated/Removed.g.cs: stale"));
        Assert.That(check.StandardError, Does.Contain("native/abi/CMakeLists.txt: missing"));

        NativeProcess.Outcome write = GeneratorProcess.Run("--root", repo.Path);
        Assert.That(write.ExitCode, Is.Zero, write.ToString);
        Assert.That(write.StandardOutput, Does.Contain("bindings: 2 written").And.Contain("1 stale deleted"));
        Assert.That(File.Exists(Path.Combine(generated, "Removed.g.cs")), Is.False);

        NativeProcess.Outcome again = GeneratorProcess.Run("--root", repo.Path, "--check");
        Assert.That(again.ExitCode, Is.Zero, again.ToString);
    }

    [Test]
    public void Headers_that_cannot_be_bound_fail_the_generator_with_exit_code_1()
    {
        using var repo = new TempDirectory(Path.GetTempPath(), "tp-bindings-bad-");
        CopyRepositoryInputs(repo.Path);
        File.WriteAllText(Path.Combine(repo.Path, "native", "include", "tensorpool", "bad.h"),
            "#include \"tensorpool/platform.h\"\nTP_EXPORT int tp_bad(bool flag);\n");
        NativeProcess.Outcome outcome = GeneratorProcess.Run("--root", repo.Path, "--check");
        Assert.That(outcome.ExitCode, Is.EqualTo(1), outcome.ToString);
        Assert.That(outcome.StandardError, Does.Contain("native/include/tensorpool/bad.h:2:").And.Contain("'bool' is not bindable"));
    }

    /// <summary>The headers and the committed outputs: all the generator reads or compares.</summary>
    private static void CopyRepositoryInputs(string target)
    {
        File.WriteAllText(Path.Combine(target, "TensorPool.sln"), string.Empty);
        CopyTree(Path.Combine(RepoPaths.Root, "native", "include"), Path.Combine(target, "native", "include"));
        CopyTree(Path.Combine(RepoPaths.Root, "native", "abi"), Path.Combine(target, "native", "abi"));
        CopyTree(Path.Combine(RepoPaths.Root, "bindings", "TensorPool.Native", "Generated"),
            Path.Combine(target, "bindings", "TensorPool.Native", "Generated"));
    }

    private static void CopyTree(string source, string target)
    {
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
