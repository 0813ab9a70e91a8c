using TensorPool.Sbe.Wire;

namespace TensorPool.Packaging.Tests;

/// <summary>
/// <c>dotnet tool install --tool-path</c> from the local feed (never the user's global tools), then the
/// installed <c>tp</c>: its version, and a command that needs libtensorpool.so from the tool package.
/// </summary>
public class ToolInstallTests
{
    [Test]
    public void The_tp_tool_installs_from_the_package_reports_the_package_version_and_loads_its_native_core()
    {
        string tools = Path.Combine(PackageFeed.Root, "tools");
        DotnetCli dotnet = PackageFeed.Dotnet;

        dotnet.Check(PackageFeed.Root, "dotnet", "tool", "install", "--tool-path", tools, "--add-source", PackageFeed.Feed,
            "TensorPool.Cli", "--version", PackageFeed.Version);
        string tp = Path.Combine(tools, "tp");
        Assert.That(File.Exists(tp), Is.True, "the tool's command is tp");

        string version = dotnet.Check(PackageFeed.Root, tp, "--version").Trim();
        Assert.That(version.Split('+')[0], Is.EqualTo(PackageFeed.Version), "tp --version is the package version (+ the source revision)");

        // A saved superblock: inspecting it calls the native superblock checks, so libtensorpool.so must load.
        string superblock = Path.Combine(PackageFeed.Root, "superblock.bin");
        var bytes = new byte[64];
        var sb = ShmRegionSuperblockEncoder.WrapBody(bytes);
        sb.Magic = 0x544F504C53484D31; // TPOLSHM1 (§7.1)
        sb.LayoutVersion = 1;
        sb.Epoch = 1;
        sb.StreamId = 10000;
        sb.RegionType = RegionType.HeaderRing;
        sb.Nslots = 8;
        sb.SlotBytes = 256;
        File.WriteAllBytes(superblock, bytes);
        string report = dotnet.Check(PackageFeed.Root, tp, "shm", "inspect", superblock);
        Assert.That(report, Does.Contain("superblock, 64 bytes: valid").And.Contain("region 2112 bytes"));
    }
}
