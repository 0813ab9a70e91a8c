using System.Xml.Linq;
using TensorPool.Testing;

namespace TensorPool.Packaging.Tests;

/// <summary>What is inside the two packages, and what their nuspecs declare.</summary>
public class PackageContentTests
{
    private static XNamespace Ns(XElement nuspec) => nuspec.Name.Namespace;

    [Test]
    public void TensorPool_package_holds_the_library_the_bindings_the_native_core_docs_and_readme()
    {
        string[] entries = PackageFeed.Entries(PackageFeed.LibraryPackage);

        Assert.That(entries, Is.SupersetOf(new[]
        {
            "lib/net10.0/TensorPool.dll",
            "lib/net10.0/TensorPool.xml",
            "lib/net10.0/TensorPool.Native.dll",
            "lib/net10.0/TensorPool.Native.xml",
            "runtimes/linux-x64/native/libtensorpool.so",
            "buildTransitive/TensorPool.props",
            "README.md",
        }));
        Assert.That(entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)), Has.All.StartWith("lib/net10.0/TensorPool."));
        var runtimes = new List<string> { "runtimes/linux-x64/native/libtensorpool.so" };
        if (File.Exists(NativeRuntimes.Arm64Library))
        {
            runtimes.Add("runtimes/linux-arm64/native/libtensorpool.so");
        }
        Assert.That(entries.Where(e => e.StartsWith("runtimes/", StringComparison.Ordinal)), Is.EquivalentTo(runtimes), "one library per RID, nothing else");
        byte[] so = PackageFeed.Read(PackageFeed.LibraryPackage, "runtimes/linux-x64/native/libtensorpool.so");
        Assert.That(NativeRuntimes.ElfMachine(so), Is.EqualTo(NativeRuntimes.MachineX64), "linux-x64 holds an x86-64 library");
        Assert.That(so, Is.EqualTo(File.ReadAllBytes(NativeRuntimes.X64Library)), "the library the build made");
    }

    [Test]
    public void Both_packages_carry_the_linux_arm64_library_built_for_aarch64()
    {
        NativeRuntimes.RequireArm64Build();
        byte[] built = File.ReadAllBytes(NativeRuntimes.Arm64Library);
        foreach ((string package, string entry) in new[]
        {
            (PackageFeed.LibraryPackage, "runtimes/linux-arm64/native/libtensorpool.so"),
            (PackageFeed.ToolPackage, "tools/net10.0/any/runtimes/linux-arm64/native/libtensorpool.so"),
        })
        {
            Assert.That(PackageFeed.Entries(package), Does.Contain(entry), Path.GetFileName(package));
            byte[] so = PackageFeed.Read(package, entry);
            Assert.That(NativeRuntimes.ElfMachine(so), Is.EqualTo(NativeRuntimes.MachineArm64), entry + " is an AArch64 library");
            Assert.That(so, Is.EqualTo(built), entry + " is the library the cross build made");
        }
    }

    [Test]
    public void A_release_pack_without_the_linux_arm64_library_fails_and_says_how_to_get_it()
    {
        // What `./build.sh pack` asks for (TensorPoolRequireAllRuntimes): a package that silently lacks a RID is worse
        // than no package.
        string output = Path.Combine(PackageFeed.Root, "release-without-arm64");
        (int exit, string stdout, string stderr) = PackageFeed.Dotnet.Run(RepoPaths.Root, "dotnet", "pack",
            Path.Combine(RepoPaths.Root, "src", "TensorPool", "TensorPool.csproj"), "-c", RepoPaths.Configuration, "--no-build", "--no-restore",
            "-p:TensorPoolSkipNativeBuild=true", "-p:TensorPoolRequireAllRuntimes=true",
            "-p:TensorPoolNativeArm64BuildDir=" + Path.Combine(PackageFeed.Root, "no-arm64-build"), "-nologo", "-o", output);
        Assert.That(exit, Is.Not.Zero, stdout + stderr);
        Assert.That(stdout + stderr, Does.Contain("must carry linux-arm64 too").And.Contain("gcc-aarch64-linux-gnu"));
        Assert.That(Directory.Exists(output) ? Directory.GetFiles(output, "*.nupkg") : [], Is.Empty, "no package was written");
    }

    [Test]
    public void TensorPool_nuspec_has_licence_readme_and_only_real_dependencies()
    {
        XElement nuspec = PackageFeed.Nuspec(PackageFeed.LibraryPackage);
        XNamespace ns = Ns(nuspec);
        XElement metadata = nuspec.Element(ns + "metadata")!;

        Assert.That(metadata.Element(ns + "id")!.Value, Is.EqualTo("TensorPool"));
        Assert.That(metadata.Element(ns + "version")!.Value, Is.EqualTo(PackageFeed.Version));
        XElement license = metadata.Element(ns + "license")!;
        Assert.That(license.Attribute("type")!.Value, Is.EqualTo("expression"));
        Assert.That(license.Value, Is.EqualTo("Apache-2.0"));
        Assert.That(metadata.Element(ns + "readme")!.Value, Is.EqualTo("README.md"));
        Assert.That(metadata.Element(ns + "description")!.Value, Is.Not.Empty);
        Assert.That(metadata.Element(ns + "repository")?.Attribute("commit")?.Value, Does.Match("^[0-9a-f]{40}$"), "source revision recorded");

        // Dependencies are exactly the PackageReferences of src/TensorPool at their central versions: nothing for
        // the bindings (they are inside), nothing missing.
        var declared = nuspec.Descendants(ns + "dependency")
            .Select(d => (Id: d.Attribute("id")!.Value, Version: d.Attribute("version")!.Value)).OrderBy(d => d.Id).ToArray();
        Assert.That(declared.Select(d => d.Id), Has.None.EqualTo("TensorPool.Native"));
        XElement project = XElement.Load(Path.Combine(RepoPaths.Root, "src", "TensorPool", "TensorPool.csproj"));
        XElement central = XElement.Load(Path.Combine(RepoPaths.Root, "Directory.Packages.props"));
        var expected = project.Descendants("PackageReference")
            .Where(r => (string?)r.Attribute("PrivateAssets") != "all")
            .Select(r => r.Attribute("Include")!.Value)
            .Select(id => (Id: id, Version: central.Descendants("PackageVersion").Single(v => v.Attribute("Include")!.Value == id).Attribute("Version")!.Value))
            .OrderBy(d => d.Id).ToArray();
        Assert.That(declared, Is.EqualTo(expected));
    }

    [Test]
    public void Tool_package_carries_tp_its_dependencies_and_libtensorpool()
    {
        string[] entries = PackageFeed.Entries(PackageFeed.ToolPackage);
        const string tool = "tools/net10.0/any/";

        Assert.That(entries, Is.SupersetOf(new[]
        {
            tool + "tp.dll",
            tool + "tp.runtimeconfig.json",
            tool + "DotnetToolSettings.xml",
            tool + "TensorPool.dll",
            tool + "TensorPool.Native.dll",
            tool + "System.CommandLine.dll",
            tool + "runtimes/linux-x64/native/libtensorpool.so",
            "README.md",
        }));
        Assert.That(NativeRuntimes.ElfMachine(PackageFeed.Read(PackageFeed.ToolPackage, tool + "runtimes/linux-x64/native/libtensorpool.so")),
            Is.EqualTo(NativeRuntimes.MachineX64));
        XElement settings = XElement.Parse(System.Text.Encoding.UTF8.GetString(PackageFeed.Read(PackageFeed.ToolPackage, tool + "DotnetToolSettings.xml")).TrimStart('\uFEFF'));
        XElement command = settings.Descendants("Command").Single();
        Assert.That(command.Attribute("Name")!.Value, Is.EqualTo("tp"));
        Assert.That(command.Attribute("EntryPoint")!.Value, Is.EqualTo("tp.dll"));

        XElement nuspec = PackageFeed.Nuspec(PackageFeed.ToolPackage);
        XNamespace ns = Ns(nuspec);
        Assert.That(nuspec.Descendants(ns + "packageType").Single().Attribute("name")!.Value, Is.EqualTo("DotnetTool"));
        Assert.That(nuspec.Descendants(ns + "version").Single().Value, Is.EqualTo(PackageFeed.Version));
        Assert.That(nuspec.Descendants(ns + "license").Single().Value, Is.EqualTo("Apache-2.0"));
    }

    [Test]
    public void Package_version_is_Version_props()
    {
        string props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Version.props"));

        Assert.That(PackageFeed.Version, Does.StartWith(PackageFeed.VersionPrefix));
        Assert.That(props, Does.Contain($"<VersionPrefix>{PackageFeed.VersionPrefix}</VersionPrefix>"));
        Assert.That(PackageFeed.Version, Is.EqualTo(TensorPoolRuntime.Version), "the package and the assembly built beside it");
    }
}
