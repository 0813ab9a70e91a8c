using System.Xml.Linq;

namespace TensorPool.Packaging.Tests;

/// <summary>
/// D120: the benchmark is the tool tp-bench (package TensorPool.Bench.Cli), so neither the library nor the tp tool
/// package carries benchmark code or the plotting libraries' natives; an installed <c>tp bench</c> runs an installed
/// tp-bench, and says how to install it when there is none.
/// </summary>
public class BenchToolTests
{
    /// <summary>What only the benchmark needs: its code, ScottPlot, SkiaSharp, HarfBuzzSharp and their native libraries.</summary>
    private static readonly string[] BenchOnly = ["Bench", "ScottPlot", "SkiaSharp", "HarfBuzz", "tp-bench"];

    [Test]
    public void Library_and_tp_packages_hold_no_benchmark_code_and_no_plotting_natives()
    {
        foreach (string package in new[] { PackageFeed.LibraryPackage, PackageFeed.ToolPackage })
        {
            string[] entries = PackageFeed.Entries(package);
            Assert.That(entries, Is.Not.Empty);
            foreach (string name in BenchOnly)
            {
                Assert.That(entries.Where(e => e.Contains(name, StringComparison.OrdinalIgnoreCase)), Is.Empty, $"{Path.GetFileName(package)}: {name}");
            }
            // The core, and in tp the SQLite that `tp trace` records into (TensorPool.TraceLink.Store); no plotting natives.
            Assert.That(entries.Where(e => e.EndsWith(".so", StringComparison.Ordinal)).Select(Path.GetFileName),
                Has.All.Matches<string?>(n => n == "libtensorpool.so" || (package == PackageFeed.ToolPackage && n == "libe_sqlite3.so")),
                $"{Path.GetFileName(package)}: the only native libraries are the core (and SQLite for tp trace)");
        }
    }

    [Test]
    public void Bench_tool_package_carries_tp_bench_the_bench_and_its_linux_x64_natives()
    {
        string[] entries = PackageFeed.Entries(PackageFeed.BenchToolPackage);
        const string tool = "tools/net10.0/any/";

        Assert.That(entries, Is.SupersetOf(new[]
        {
            tool + "tp-bench.dll",
            tool + "TensorPool.Bench.dll",
            tool + "TensorPool.dll",
            tool + "ScottPlot.dll",
            tool + "runtimes/linux-x64/native/libSkiaSharp.so",
            tool + "runtimes/linux-x64/native/libtensorpool.so",
            "README.md",
        }));
        // The core comes for both Linux RIDs with the TensorPool package; the plotting natives only for linux-x64.
        Assert.That(entries.Where(e => e.Contains("/runtimes/", StringComparison.Ordinal) && !e.EndsWith("/libtensorpool.so", StringComparison.Ordinal)),
            Has.All.Contain("/runtimes/linux-x64/"), "plotting natives of other platforms are not packed");
        XElement settings = XElement.Parse(System.Text.Encoding.UTF8.GetString(PackageFeed.Read(PackageFeed.BenchToolPackage, tool + "DotnetToolSettings.xml")).TrimStart('\uFEFF'));
        Assert.That(settings.Descendants("Command").Single().Attribute("Name")!.Value, Is.EqualTo("tp-bench"));
    }

    [Test]
    public void Installed_tp_runs_tp_bench_installed_beside_it_and_explains_when_it_is_missing()
    {
        DotnetCli dotnet = PackageFeed.Dotnet;
        string alone = Path.Combine(PackageFeed.Root, "tools-tp-only");
        string both = Path.Combine(PackageFeed.Root, "tools-tp-and-bench");
        Install(dotnet, alone, "TensorPool.Cli");
        Install(dotnet, both, "TensorPool.Cli");
        Install(dotnet, both, "TensorPool.Bench.Cli");

        (int exit, string output, string error) = dotnet.Run(PackageFeed.Root, Path.Combine(alone, "tp"), "bench", "--quick");
        Assert.That(exit, Is.EqualTo(1), error + output);
        Assert.That(error, Does.StartWith("tp bench: ").And.Contain("dotnet tool install --global TensorPool.Bench.Cli"));

        (exit, output, error) = dotnet.Run(PackageFeed.Root, Path.Combine(both, "tp"), "bench", "--sizes", "0");
        Assert.That(exit, Is.EqualTo(2), error + output);
        Assert.That(error, Does.StartWith("tp bench: arguments: '0' is not a payload size"), "tp-bench's own check answered");
        string help = dotnet.Check(PackageFeed.Root, Path.Combine(both, "tp"), "bench", "--help");
        Assert.That(help, Does.Contain("--consumers").And.Contain("tp-bench"), "tp-bench's help");
    }

    private static void Install(DotnetCli dotnet, string toolPath, string package) =>
        dotnet.Check(PackageFeed.Root, "dotnet", "tool", "install", "--tool-path", toolPath, "--add-source", PackageFeed.Feed,
            package, "--version", PackageFeed.Version);
}
