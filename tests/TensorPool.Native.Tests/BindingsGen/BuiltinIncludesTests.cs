using TensorPool.BindingsGen;
using TensorPool.BindingsGen.Clang;
using TensorPool.Testing;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>Where the generator takes the compiler's builtin headers from (the libclang package has none).</summary>
public class BuiltinIncludesTests
{
    private string? _cc;
    private string? _override;

    [SetUp]
    public void Save()
    {
        _cc = Environment.GetEnvironmentVariable("CC");
        _override = Environment.GetEnvironmentVariable(BuiltinIncludes.EnvironmentVariable);
        Environment.SetEnvironmentVariable(BuiltinIncludes.EnvironmentVariable, null);
    }

    [TearDown]
    public void Restore()
    {
        Environment.SetEnvironmentVariable("CC", _cc);
        Environment.SetEnvironmentVariable(BuiltinIncludes.EnvironmentVariable, _override);
    }

    [Test]
    public void The_c_compiler_gives_the_folder_by_default()
    {
        string found = BuiltinIncludes.Find(null);
        Assert.That(File.Exists(Path.Combine(found, "stddef.h")), Is.True);
    }

    [Test]
    public void An_explicit_folder_or_the_environment_variable_wins()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "stddef.h"), "/* stand-in */\n");
        Assert.That(BuiltinIncludes.Find(temp.Path), Is.EqualTo(temp.Path));
        Environment.SetEnvironmentVariable(BuiltinIncludes.EnvironmentVariable, temp.Path);
        Environment.SetEnvironmentVariable("CC", "/nonexistent/cc");
        Assert.That(BuiltinIncludes.Find(null), Is.EqualTo(temp.Path), "the compiler is not even asked");
    }

    [Test]
    public void A_missing_compiler_fails_with_what_to_do()
    {
        Environment.SetEnvironmentVariable("CC", "/nonexistent/cc");
        var e = Assert.Throws<BindingsException>(() => BuiltinIncludes.Find(null))!;
        Assert.That(e.Message, Does.Contain("/nonexistent/cc -print-file-name=include").And.Contain("--builtin-include"));
    }
}
