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

    /// <summary>VersionPrefix of Version.props, as MSBuild saw it.</summary>
    public static string VersionPrefix => typeof(NativeBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "TensorPoolVersionPrefix").Value!;
}
