using System.Text.RegularExpressions;
using TensorPool.Testing;

namespace TensorPool.Packaging.Tests;

/// <summary>
/// D124: a fresh console app that adds the TensorPool package and copies the README's code snippet builds with no
/// warning under TreatWarningsAsErrors: the package's buildTransitive props marks the app Linux-only, as the library is,
/// so the platform analyzer has nothing to say (CA1416 at every call otherwise, as the opt-out shows).
/// </summary>
public partial class ReadmeSnippetAppTests
{
    private static string _app = "";

    /// <summary>The README's C# block that starts a client: what a newcomer copies first.</summary>
    private static string Snippet()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        string[] blocks = [.. CSharpBlock().Matches(readme).Select(m => m.Groups[1].Value)];
        string? snippet = blocks.SingleOrDefault(b => b.Contains("TensorPoolClient.Connect()", StringComparison.Ordinal));
        Assert.That(snippet, Is.Not.Null, "README.md has a csharp block that connects a client");
        return snippet!;
    }

    [OneTimeSetUp]
    public void CreateTheApp()
    {
        _app = Path.Combine(PackageFeed.Root, "readme-app");
        Directory.CreateDirectory(_app);
        // Stop MSBuild's search for Directory.Build.* and central package management above the temporary folder.
        File.WriteAllText(Path.Combine(_app, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_app, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(_app, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(_app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="tensorpool-local" value="{PackageFeed.Feed}" />
              </packageSources>
            </configuration>
            """);
        DotnetCli dotnet = PackageFeed.Dotnet;
        dotnet.Check(_app, "dotnet", "new", "console", "--name", "ReadmeApp", "--output", _app, "--framework", "net10.0", "--force");
        dotnet.Check(_app, "dotnet", "add", "ReadmeApp.csproj", "package", "TensorPool", "--version", PackageFeed.Version);
        File.WriteAllText(Path.Combine(_app, "Program.cs"), Snippet());
    }

    private static (int Exit, string Output) Build(params string[] properties)
    {
        (int exit, string output, string error) = PackageFeed.Dotnet.Run(_app, "dotnet",
            ["build", "ReadmeApp.csproj", "-c", "Release", "--no-incremental", "-nologo", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. properties]);
        return (exit, output + error);
    }

    [Test]
    public void The_README_snippet_builds_in_a_fresh_console_app_with_no_warning_as_errors()
    {
        (int exit, string output) = Build("-p:TreatWarningsAsErrors=true");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("0 Warning(s)").And.Contain("0 Error(s)"), output);
        Assert.That(output, Does.Not.Contain("CA1416"));
    }

    [Test]
    public void An_app_that_opts_out_is_not_marked_and_gets_the_platform_warnings_back()
    {
        (int exit, string output) = Build("-p:TensorPoolSupportedOSPlatform=false", "-p:TreatWarningsAsErrors=false");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("warning CA1416"), "without the mark, every call into TensorPool is reported");
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
