using TensorPool.Testing;

namespace TensorPool.Bench.Tests;

/// <summary>
/// bench/reference/side-by-side.sh before it measures anything: a bad <c>--alternate</c> is refused with the reason
/// (exit 2), and without a reference build the script says why it skips and exits 0, as CI and users without the
/// reference see it.
/// </summary>
[TestFixture]
public sealed class SideBySideScriptTests
{
    [TestCase("0x")]
    [TestCase("21")]
    [TestCase("05")]
    [TestCase("-1")]
    public void A_bad_alternate_is_refused_with_the_reason(string value)
    {
        (int exit, string stderr, _) = Run("--alternate", value);

        Assert.That(exit, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("--alternate takes a whole number 1-20"));
    }

    [Test]
    public void Alternate_without_a_value_is_refused()
    {
        (int exit, string stderr, _) = Run("--alternate");

        Assert.That(exit, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("--alternate takes a whole number 1-20, not ''"));
    }

    [Test]
    public void Without_a_reference_build_it_skips_with_the_reason()
    {
        (int exit, string stderr, string stdout) = Run("--alternate", "20");

        Assert.That(exit, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("skipped: TP_REFERENCE_DIR is not set"));
    }

    private static (int Exit, string Stderr, string Stdout) Run(params string[] args)
    {
        (int exit, string stdout, string stderr) = ScriptProcess.Run("bash",
            [Path.Combine(RepoPaths.Root, "bench", "reference", "side-by-side.sh"), .. args], unsetVariable: "TP_REFERENCE_DIR");
        return (exit, stderr, stdout);
    }
}
