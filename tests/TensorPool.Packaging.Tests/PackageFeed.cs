using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TensorPool.Testing;

namespace TensorPool.Packaging.Tests;

/// <summary>
/// Packs TensorPool, TensorPool.Cli and TensorPool.Bench.Cli once for every test here, from the solution's build output (as
/// <c>./build.sh pack</c> does, without building) into a temporary local feed, removed afterwards.
/// </summary>
[SetUpFixture]
public sealed partial class PackageFeed
{
    private static TempDirectory? _root;

    /// <summary>The temporary folder everything lives in (feed, NuGet caches, apps, tools).</summary>
    public static string Root => _root?.Path ?? throw new InvalidOperationException("the feed was not set up");

    public static string Feed => Path.Combine(Root, "feed");

    /// <summary>The package version, as Version.props makes it (VersionPrefix-VersionSuffix).</summary>
    public static string Version { get; private set; } = "";

    /// <summary>VersionPrefix of Version.props: what the native library reports.</summary>
    public static string VersionPrefix { get; private set; } = "";

    internal static DotnetCli Dotnet => new(Path.Combine(Root, "nuget"));

    public static string LibraryPackage => Path.Combine(Feed, $"TensorPool.{Version}.nupkg");

    public static string ToolPackage => Path.Combine(Feed, $"TensorPool.Cli.{Version}.nupkg");

    /// <summary>tp-bench, the tool <c>tp bench</c> runs (D120).</summary>
    public static string BenchToolPackage => Path.Combine(Feed, $"TensorPool.Bench.Cli.{Version}.nupkg");

    [OneTimeSetUp]
    public void Pack()
    {
        // Not under /dev/shm: packages and caches are files, not shared memory.
        _root = new TempDirectory(Path.GetTempPath(), "tp-packaging-");
        string props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Version.props"));
        VersionPrefix = VersionPrefixPattern().Match(props).Groups[1].Value;
        Assert.That(VersionPrefix, Does.Match(@"^\d+\.\d+\.\d+$"), "Version.props has a VersionPrefix");

        foreach (string project in new[] { "src/TensorPool/TensorPool.csproj", "src/TensorPool.Cli/TensorPool.Cli.csproj", "bench/TensorPool.Bench.Cli/TensorPool.Bench.Cli.csproj" })
        {
            Dotnet.Check(RepoPaths.Root, "dotnet", "pack", Path.Combine(RepoPaths.Root, project), "-c", RepoPaths.Configuration,
                "--no-build", "--no-restore", "-p:TensorPoolSkipNativeBuild=true", "-nologo", "-o", Feed);
        }
        string library = Directory.GetFiles(Feed, "TensorPool.*.nupkg").Single(f => char.IsAsciiDigit(Path.GetFileName(f)["TensorPool.".Length]));
        Version = Path.GetFileNameWithoutExtension(library)["TensorPool.".Length..];
    }

    [OneTimeTearDown]
    public void Remove() => _root?.Dispose();

    /// <summary>The nuspec of a package, parsed.</summary>
    public static XElement Nuspec(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        ZipArchiveEntry entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using Stream s = entry.Open();
        return XElement.Load(s);
    }

    /// <summary>Every file of a package by its path inside it.</summary>
    public static string[] Entries(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        return [.. zip.Entries.Select(e => e.FullName)];
    }

    public static byte[] Read(string package, string entryName)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        using Stream s = zip.GetEntry(entryName)!.Open();
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    [GeneratedRegex(@"<VersionPrefix>([^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefixPattern();
}
