using TensorPool.BindingsGen;

namespace TensorPool.Native.Tests.BindingsGen;

public class CliTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [TestCase("--bogus")]
    [TestCase("--root")]
    [TestCase("--builtin-include")]
    public void Unknown_or_incomplete_arguments_are_a_usage_error(string argument)
    {
        (int code, _, string error) = Run(argument);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain(argument).And.Contain("usage:"));
    }

    [Test]
    public void Help_prints_usage_and_succeeds()
    {
        (int code, string output, _) = Run("--help");
        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain("--check"));
    }

    [Test]
    public void A_root_without_the_solution_is_refused()
    {
        using var temp = new TensorPool.Testing.TempDirectory();
        (int code, _, string error) = Run("--root", temp.Path);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("holds no TensorPool.sln"));
    }

    [Test]
    public void A_builtin_include_folder_without_stddef_is_refused_with_the_reason()
    {
        using var temp = new TensorPool.Testing.TempDirectory();
        (int code, _, string error) = Run("--root", TensorPool.Testing.RepoPaths.Root, "--check", "--builtin-include", temp.Path);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("holds no stddef.h"));
    }
}
