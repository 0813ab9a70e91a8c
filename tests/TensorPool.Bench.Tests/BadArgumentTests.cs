using TensorPool.Testing;

namespace TensorPool.Bench.Tests;

/// <summary>Bad arguments of <c>tp bench</c> exit 2 with one line, before anything is measured.</summary>
[TestFixture]
public sealed class BadArgumentTests
{
    [TestCase("--sizes", "0")]
    [TestCase("--sizes", "8")]
    [TestCase("--sizes", "abc")]
    [TestCase("--sizes", "64,,4KiB")]
    [TestCase("--sizes", "-64")]
    [TestCase("--sizes", "1GiB")]
    [TestCase("--sizes", "512MiB")]
    [TestCase("--consumers", "0")]
    [TestCase("--consumers", "17")]
    [TestCase("--consumers", "1;3")]
    [TestCase("--no-such-option", "1")]
    [TestCase("--rates", "1k")]
    [TestCase("--idle", "wait")]
    public void Bad_argument_exits_2(string option, string value)
    {
        (int exit, string output, string error) = TpProcess.Run(TimeSpan.FromMinutes(2), "bench", option, value);

        Assert.That(exit, Is.EqualTo(2), error + output);
        Assert.That(error, Does.StartWith("tp"));
        Assert.That(output, Is.Empty);
    }

    [TestCase("--rates", "0")]
    [TestCase("--rates", "1MHz")]
    [TestCase("--idle", "sleep")]
    [TestCase("--window", "0")]
    [TestCase("--aeron-dir", "/nonexistent/aeron")]
    public void Bad_paced_argument_exits_2(string option, string value)
    {
        (int exit, string output, string error) = TpProcess.Run(TimeSpan.FromMinutes(2), "bench", "--paced", option, value);

        Assert.That(exit, Is.EqualTo(2), error + output);
        Assert.That(error, Does.StartWith("tp bench: arguments:"));
        Assert.That(output, Is.Empty);
    }

    [Test]
    public void Out_that_is_a_file_exits_2()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "a-file");
        File.WriteAllText(file, "x");

        (int exit, string output, string error) = TpProcess.Run(TimeSpan.FromMinutes(2), "bench", "--quick", "--out", file);

        Assert.That(exit, Is.EqualTo(2), error + output);
        Assert.That(error, Does.Contain("is a file"));
        Assert.That(File.ReadAllText(file), Is.EqualTo("x"));
    }
}
