using System.Reflection;
using TensorPool.Testing;

namespace TensorPool.Native.Tests;

/// <summary>Where the native build put its outputs ($(TensorPoolNativeBuildDir), passed in as assembly metadata).</summary>
internal static class NativeBuild
{
    public static string Directory
    {
        get
        {
            string? configured = typeof(NativeBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "TensorPoolNativeBuildDir")?.Value;
            return Path.GetFullPath(string.IsNullOrEmpty(configured) ? Path.Combine(RepoPaths.Root, "build", "native") : configured);
        }
    }

    /// <summary>The built tp_abi_probe; fails (never skips) when it is missing, since then nothing checks the ABI.</summary>
    public static string RequireAbiProbe()
    {
        string probe = Path.Combine(Directory, "native", "abi", "tp_abi_probe");
        if (!File.Exists(probe))
        {
            Assert.Fail($"{probe} is not built: run ./build.sh (or cmake --build {Directory} --target tp_abi_probe).");
        }
        return probe;
    }

    /// <summary>
    /// The linux-arm64 tp_abi_probe and the command that runs it here (qemu-aarch64 with the cross root), or an
    /// ignored test naming what is missing: the cross build is optional on a developer's machine.
    /// </summary>
    public static (string Program, string[] Arguments) RequireArm64AbiProbe()
    {
        string? configured = typeof(NativeBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TensorPoolNativeArm64BuildDir")?.Value;
        string directory = Path.GetFullPath(string.IsNullOrEmpty(configured) ? Path.Combine(RepoPaths.Root, "build", "native-arm64") : configured);
        string probe = Path.Combine(directory, "native", "abi", "tp_abi_probe");
        if (!File.Exists(probe))
        {
            Assert.Ignore($"{probe} is not built: no linux-arm64 cross compiler (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross).");
        }
        string source = Path.Combine(RepoPaths.Root, "native", "abi", "abi_probe.c");
        if (File.GetLastWriteTimeUtc(probe) < File.GetLastWriteTimeUtc(source))
        {
            Assert.Fail($"{probe} is older than native/abi/abi_probe.c: rebuild with ./build.sh (or cmake --build {directory} --target tp_abi_probe).");
        }
        string? qemu = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "qemu-aarch64")).FirstOrDefault(File.Exists);
        if (qemu is null)
        {
            Assert.Ignore("qemu-aarch64 is not installed (apt-get install qemu-user): the linux-arm64 probe cannot run here.");
            throw new System.Diagnostics.UnreachableException();
        }
        return (qemu, ["-L", "/usr/aarch64-linux-gnu", probe]);
    }

    /// <summary>VersionPrefix of Version.props, as MSBuild saw it.</summary>
    public static string VersionPrefix => typeof(NativeBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "TensorPoolVersionPrefix").Value!;
}
