using System.Reflection;
using TensorPool.Native.Internal;

namespace TensorPool;

/// <summary>
/// The versions of this library and of the native core (libtensorpool) it loads, and where that was loaded
/// from: what a bug report needs, and a quick check that an installation is whole.
/// </summary>
/// <remarks>
/// Every version comes from one place, <c>Version.props</c>: the package version (<see cref="Version"/>) is
/// <c>VersionPrefix[-VersionSuffix]</c> and the native library reports <c>VersionPrefix</c>
/// (<see cref="NativeVersion"/>). A package always carries the native library it was built with, so the two
/// disagree only when <c>TENSORPOOL_NATIVE_PATH</c> points at another build.
/// </remarks>
public static class TensorPoolRuntime
{
    /// <summary>The name of the environment variable that overrides where libtensorpool.so is loaded from (a file or a folder).</summary>
    public const string NativePathVariable = NativeLibraryResolver.PathVariable;

    /// <summary>The version of this assembly and of its package, e.g. <c>0.1.0-dev</c> (no build metadata).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>
    /// <c>MAJOR.MINOR.PATCH</c> of the loaded native library (<c>tp_version()</c>). The first call loads
    /// libtensorpool.so; a <see cref="DllNotFoundException"/> then lists every place that was searched.
    /// </summary>
    public static string NativeVersion => NativeMethods.tp_version_string() ?? "";

    /// <summary>The file libtensorpool.so was loaded from, or null while no native call has been made.</summary>
    public static string? NativeLibraryPath => NativeLibraryResolver.LoadedFrom;

    /// <summary>
    /// True when the loaded native library is the version this assembly was built with (its
    /// <c>MAJOR.MINOR.PATCH</c> equals <see cref="Version"/> without its pre-release suffix). Loads the library.
    /// </summary>
    public static bool NativeVersionMatches => string.Equals(NativeVersion, VersionPrefix(Version), StringComparison.Ordinal);

    /// <summary><c>0.1.0</c> of <c>0.1.0-dev</c> or <c>0.1.0-dev+abc</c>.</summary>
    internal static string VersionPrefix(string version)
    {
        int end = version.AsSpan().IndexOfAny('-', '+');
        return end < 0 ? version : version[..end];
    }

    private static string ReadVersion()
    {
        string? informational = typeof(TensorPoolRuntime).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return typeof(TensorPoolRuntime).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }
        // The SDK appends "+<commit>" (source revision) to the informational version; the package version has none.
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
