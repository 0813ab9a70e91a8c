using System.Runtime.InteropServices;
using TensorPool.Testing;

namespace TensorPool.Packaging.Tests;

/// <summary>The RIDs the packages carry libtensorpool.so for, where the build puts each, and how to tell them apart.</summary>
internal static class NativeRuntimes
{
    /// <summary>ELF e_machine of x86-64.</summary>
    public const ushort MachineX64 = 62;

    /// <summary>ELF e_machine of AArch64.</summary>
    public const ushort MachineArm64 = 183;

    /// <summary>The package folder the resolver probes in this process (linux-x64 on the build machine).</summary>
    public static string HostRid => "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    public static string X64Library => Path.Combine(RepoPaths.Root, "build", "native", "native", "libtensorpool.so");

    public static string Arm64Library => Path.Combine(RepoPaths.Root, "build", "native-arm64", "native", "libtensorpool.so");

    /// <summary>Skips (with how to get it) when the linux-arm64 library was not cross-compiled on this machine.</summary>
    public static void RequireArm64Build()
    {
        if (!File.Exists(Arm64Library))
        {
            Assert.Ignore($"{Arm64Library} was not built: the cross compiler is missing (apt-get install gcc-aarch64-linux-gnu " +
                "libc6-dev-arm64-cross, or ./build.sh as root); ./build.sh pack refuses to pack without it.");
        }
    }

    /// <summary>Checks the ELF header of a 64-bit little-endian shared object and returns its e_machine.</summary>
    public static ushort ElfMachine(byte[] so)
    {
        Assert.That(so, Has.Length.GreaterThan(64), "longer than an ELF header");
        Assert.That(so[..4], Is.EqualTo(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }), "an ELF file");
        Assert.That(so[4], Is.EqualTo(2), "ELFCLASS64");
        Assert.That(so[5], Is.EqualTo(1), "little-endian");
        Assert.That(BitConverter.ToUInt16(so, 16), Is.EqualTo(3), "ET_DYN: a shared object");
        return BitConverter.ToUInt16(so, 18);
    }
}
