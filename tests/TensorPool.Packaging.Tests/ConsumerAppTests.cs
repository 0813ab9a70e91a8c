namespace TensorPool.Packaging.Tests;

/// <summary>
/// A fresh console app (<c>dotnet new console</c>) that adds TensorPool from the local feed, builds, and runs:
/// it loads libtensorpool.so from the package (no TENSORPOOL_NATIVE_PATH, no repository paths) and round-trips
/// an SBE message.
/// </summary>
public class ConsumerAppTests
{
    private const string Program = """
        using TensorPool;
        using TensorPool.Sbe;
        using TensorPool.Sbe.Wire;

        Console.WriteLine("managed " + TensorPoolRuntime.Version);
        Console.WriteLine("native " + TensorPoolRuntime.NativeVersion);
        Console.WriteLine("loaded-from " + TensorPoolRuntime.NativeLibraryPath);
        Console.WriteLine("matches " + TensorPoolRuntime.NativeVersionMatches);

        byte[] buffer = new byte[64];
        var encoder = FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
        encoder.StreamId = 10000;
        encoder.Epoch = 7;
        encoder.Seq = 42;
        int length = encoder.EncodedLength;
        if (!FrameDescriptorDecoder.TryWrap(buffer.AsSpan(0, length), out var decoder, out SbeRejectReason reason))
        {
            Console.WriteLine("sbe rejected " + reason);
            return 1;
        }
        Console.WriteLine($"sbe {length} {decoder.StreamId} {decoder.Epoch} {decoder.Seq}");
        return 0;
        """;

    [Test]
    public void A_fresh_console_app_loads_libtensorpool_through_the_package_and_round_trips_an_SBE_message()
    {
        string app = Path.Combine(PackageFeed.Root, "app");
        Directory.CreateDirectory(app);
        // Stop MSBuild's search for Directory.Build.* and central package management above the temporary folder.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
        // The local feed, plus the registry sources of the machine's NuGet configuration for any dependency.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="tensorpool-local" value="{PackageFeed.Feed}" />
              </packageSources>
            </configuration>
            """);
        DotnetCli dotnet = PackageFeed.Dotnet;

        dotnet.Check(app, "dotnet", "new", "console", "--name", "App", "--output", app, "--framework", "net10.0", "--force");
        dotnet.Check(app, "dotnet", "add", "App.csproj", "package", "TensorPool", "--version", PackageFeed.Version);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        dotnet.Check(app, "dotnet", "build", "App.csproj", "-c", "Release", "-nologo", "-p:UseSharedCompilation=false", "-nodeReuse:false");
        string bin = Path.Combine(app, "bin", "Release", "net10.0");
        string output = dotnet.Check(app, "dotnet", Path.Combine(bin, "App.dll"));

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Does.Contain("managed " + PackageFeed.Version));
        Assert.That(lines, Does.Contain("native " + PackageFeed.VersionPrefix), "tp_version() is VersionPrefix of Version.props");
        Assert.That(lines, Does.Contain("loaded-from " + Path.Combine(bin, "runtimes", "linux-x64", "native", "libtensorpool.so")),
            "the native core came with the package");
        Assert.That(lines, Does.Contain("matches True"));
        Assert.That(lines, Does.Contain("sbe 48 10000 7 42"));
    }
}
