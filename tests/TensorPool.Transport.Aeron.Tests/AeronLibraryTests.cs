using System.Diagnostics;
using TensorPool.Aeron.Native.Internal;
using TensorPool.Testing;

namespace TensorPool.Transport.Aeron.Tests;

/// <summary>
/// Finding libaeron: a path given (the option, else TP_AERON_LIBRARY) is the only place tried, and a failure names
/// where it looked and how to get Aeron. Each case runs in a child process (a library loads once per process).
/// </summary>
public class AeronLibraryTests
{
    [Test]
    public void A_configured_path_without_libaeron_fails_naming_it_and_loads_nothing_else()
    {
        AeronEnvironment.Require(); // the platform search could otherwise succeed where the test expects a failure
        (string result, string message) = Load("/nonexistent/aeron/libaeron.so", variable: AeronEnvironment.LibraryDirectory);
        Assert.That(result, Is.EqualTo("result error=DllNotFoundException"));
        Assert.That(message, Does.Contain("/nonexistent/aeron/libaeron.so (the configured path): no such file").And.Contain("./build.sh aeron"));
        Assert.That(message, Does.Not.Contain("platform library search"), "a given path is the only place tried");
    }

    [Test]
    public void TP_AERON_LIBRARY_naming_a_folder_without_libaeron_fails_naming_it()
    {
        using var empty = new TempDirectory();
        (string result, string message) = Load(string.Empty, variable: empty.Path);
        Assert.That(result, Is.EqualTo("result error=DllNotFoundException"));
        Assert.That(message, Does.Contain(Path.Combine(empty.Path, "libaeron.so") + " ($TP_AERON_LIBRARY): no such file"));
    }

    [Test]
    public void A_file_that_is_not_a_library_fails_with_the_loader_reason()
    {
        using var temp = new TempDirectory();
        string fake = Path.Combine(temp.Path, "libaeron.so");
        File.WriteAllText(fake, "not an ELF file");
        (string result, string message) = Load(fake, variable: null);
        Assert.That(result, Is.EqualTo("result error=DllNotFoundException"));
        Assert.That(message, Does.Contain(fake + " (the configured path): "));
    }

    [Test]
    public void Candidates_follow_the_order_of_precedence()
    {
        Assert.That(AeronLibrary.Candidates("libaeron.so", "/opt/a", "/opt/b", "TP_AERON_LIBRARY", null).Select(c => c.Origin),
            Is.EqualTo(new[] { "the configured path" }));
        Assert.That(AeronLibrary.Candidates("libaeron.so", null, "/opt/b", "TP_AERON_LIBRARY", null).Select(c => c.Path),
            Is.EqualTo(new[] { "/opt/b" }));
        Assert.That(AeronLibrary.Candidates("libaeron_driver.so", null, null, "TP_AERON_DRIVER_LIBRARY", "/opt/lib").Select(c => c.Path),
            Is.EqualTo(new[] { "/opt/lib/libaeron_driver.so" }));
    }

    private static (string Result, string Message) Load(string path, string? variable)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(ChildProcess.TestHostPath);
        psi.ArgumentList.Add("aeron-load");
        psi.ArgumentList.Add(path);
        if (variable is null)
        {
            psi.Environment.Remove("TP_AERON_LIBRARY");
        }
        else
        {
            psi.Environment["TP_AERON_LIBRARY"] = variable;
        }
        using ChildProcess child = ChildProcess.Start(psi);
        string result = child.WaitForLine("result", TimeSpan.FromSeconds(60));
        child.WaitForExit(TimeSpan.FromSeconds(60));
        string[] lines = child.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (result, string.Join('\n', lines.SkipWhile(l => !l.StartsWith("result", StringComparison.Ordinal)).Skip(1)));
    }
}
