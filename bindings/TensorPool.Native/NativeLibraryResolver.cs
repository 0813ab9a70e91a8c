using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace TensorPool.Native.Internal;

/// <summary>
/// Finds libtensorpool.so for every [LibraryImport] of this assembly, registered when the module loads.
/// Looks, in order: <c>$TENSORPOOL_NATIVE_PATH</c> (a file, or a folder holding libtensorpool.so; when set,
/// nothing else is tried), then <c>runtimes/&lt;rid&gt;/native/</c> for the running process's RID
/// (<see cref="RuntimeRid"/>: linux-x64, linux-arm64) and the folder itself, under the application's base directory
/// and under this assembly's folder, then the runtime's default probing (deps.json, the loader's search path).
/// Failure is a <see cref="DllNotFoundException"/> that lists every place it looked.
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NativeLibraryResolver
{
    /// <summary>Overrides where libtensorpool.so is loaded from (a file or a folder).</summary>
    public const string PathVariable = "TENSORPOOL_NATIVE_PATH";

    public const string FileName = "libtensorpool.so";

    /// <summary>
    /// The package folder for this process: <c>linux-</c> and the process architecture as NuGet names it (x64,
    /// arm64). The portable RID, never the distribution-specific one the runtime may report, since the package
    /// ships portable builds only.
    /// </summary>
    public static string RuntimeRid { get; } = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    private static readonly Lock Gate = new();
    private static nint _handle;
    private static string? _loadedFrom;

    /// <summary>Where the library was loaded from, once it has been (for diagnostics: <c>tp version</c>, bug reports).</summary>
    public static string? LoadedFrom
    {
        get
        {
            lock (Gate)
            {
                return _loadedFrom;
            }
        }
    }

    /// <summary>The loaded library's handle (0 until the first call), e.g. for NativeLibrary.GetExport.</summary>
    public static nint Handle
    {
        get
        {
            lock (Gate)
            {
                return _handle;
            }
        }
    }

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The resolver must be in place before the first P/Invoke of this assembly, whoever makes it.")]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.LibraryName)
        {
            return 0; // not ours: the runtime's default probing
        }
        lock (Gate)
        {
            if (_handle == 0)
            {
                (_handle, _loadedFrom) = Load(Environment.GetEnvironmentVariable(PathVariable), AppContext.BaseDirectory,
                    AssemblyDirectory(assembly), RuntimeRid, () => NativeLibrary.TryLoad(libraryName, assembly, searchPath, out nint h) ? h : 0);
            }
            return _handle;
        }
    }

    private static string? AssemblyDirectory(Assembly assembly) =>
        string.IsNullOrEmpty(assembly.Location) ? null : Path.GetDirectoryName(assembly.Location);

    /// <summary>The files to try, in order; <paramref name="overridePath"/> (the environment variable) replaces all others.</summary>
    internal static IReadOnlyList<string> Candidates(string? overridePath, string baseDirectory, string? assemblyDirectory, string rid)
    {
        if (!string.IsNullOrEmpty(overridePath))
        {
            return [Directory.Exists(overridePath) ? Path.Combine(overridePath, FileName) : overridePath];
        }
        var candidates = new List<string>();
        foreach (string? directory in new[] { baseDirectory, assemblyDirectory })
        {
            if (string.IsNullOrEmpty(directory))
            {
                continue;
            }
            foreach (string path in new[] { Path.Combine(directory, "runtimes", rid, "native", FileName), Path.Combine(directory, FileName) })
            {
                string full = Path.GetFullPath(path);
                if (!candidates.Contains(full, StringComparer.Ordinal))
                {
                    candidates.Add(full);
                }
            }
        }
        return candidates;
    }

    /// <summary>
    /// Tries each candidate, then (without an override) <paramref name="defaultProbe"/>. Throws a
    /// <see cref="DllNotFoundException"/> naming every place tried and why each failed.
    /// </summary>
    internal static (nint Handle, string From) Load(string? overridePath, string baseDirectory, string? assemblyDirectory, string rid,
        Func<nint> defaultProbe)
    {
        var tried = new StringBuilder();
        foreach (string candidate in Candidates(overridePath, baseDirectory, assemblyDirectory, rid))
        {
            if (!File.Exists(candidate))
            {
                tried.Append("\n  ").Append(candidate).Append(": no such file");
                continue;
            }
            try
            {
                return (NativeLibrary.Load(candidate), candidate);
            }
            catch (DllNotFoundException e)
            {
                // Present but not loadable (wrong architecture, missing dependency): say so, it is not "not found".
                tried.Append("\n  ").Append(candidate).Append(": ").Append(e.Message);
            }
            catch (BadImageFormatException e)
            {
                tried.Append("\n  ").Append(candidate).Append(": ").Append(e.Message);
            }
        }
        if (string.IsNullOrEmpty(overridePath))
        {
            nint handle = defaultProbe();
            if (handle != 0)
            {
                return (handle, "default probing (" + FileName + ")");
            }
            tried.Append("\n  default probing (deps.json, LD_LIBRARY_PATH, the system library path): not found");
        }
        throw new DllNotFoundException(
            $"{FileName} could not be loaded. Looked in:{tried}\n" +
            $"Build it with ./build.sh (it lands in build/native/native/ and is copied to runtimes/{rid}/native/), " +
            $"or set {PathVariable} to the file or its folder.");
    }
}
