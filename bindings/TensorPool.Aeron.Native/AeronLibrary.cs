using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace TensorPool.Aeron.Native.Internal;

/// <summary>
/// Finds libaeron (the Aeron C client) and libaeron_driver (the C media driver) for the [LibraryImport]s of this
/// assembly. Neither ships with TensorPool: they come from the user's Aeron installation, a build of
/// <c>./build.sh aeron</c>, or wherever <c>TP_AERON_LIBRARY</c> points.
/// </summary>
/// <remarks>
/// libaeron is looked for, in order of precedence: the path given to <see cref="LoadClient"/> (a file, or a folder
/// holding libaeron.so), else <c>$TP_AERON_LIBRARY</c> (the same), else the platform's library search (LD_LIBRARY_PATH,
/// ld.so.cache, the default paths). A path that is given is the only place tried: a missing file is an error, not a
/// reason to load some other libaeron. libaeron_driver: the path given to <see cref="LoadDriver"/>, else
/// <c>$TP_AERON_DRIVER_LIBRARY</c>, else the folder libaeron came from (or that <c>$TP_AERON_LIBRARY</c> names) and
/// then the platform's search. A library is
/// loaded once per process: a later request for another file is refused. Failure is a
/// <see cref="DllNotFoundException"/> naming every place tried and why.
/// </remarks>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AeronLibrary
{
    /// <summary>Where libaeron is (a file or a folder).</summary>
    public const string ClientPathVariable = "TP_AERON_LIBRARY";

    /// <summary>Where libaeron_driver is (a file or a folder).</summary>
    public const string DriverPathVariable = "TP_AERON_DRIVER_LIBRARY";

    public const string ClientFileName = "libaeron.so";

    public const string DriverFileName = "libaeron_driver.so";

    private static readonly Lock Gate = new();
    private static Loaded? _client;
    private static Loaded? _driver;

    private sealed record Loaded(nint Handle, string From);

    /// <summary>Where libaeron was loaded from, once it has been.</summary>
    public static string? ClientLoadedFrom
    {
        get
        {
            lock (Gate)
            {
                return _client?.From;
            }
        }
    }

    /// <summary>Where libaeron_driver was loaded from, once it has been.</summary>
    public static string? DriverLoadedFrom
    {
        get
        {
            lock (Gate)
            {
                return _driver?.From;
            }
        }
    }

    /// <summary>libaeron's handle (loading it the default way if needed), e.g. for NativeLibrary.GetExport.</summary>
    public static nint ClientHandle => Handle(ref _client, () => Load(ClientFileName, null, ClientPathVariable, null));

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The resolver must be in place before the first P/Invoke of this assembly, whoever makes it.")]
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(AeronLibrary).Assembly, Resolve);

    /// <summary>
    /// Load libaeron now (idempotent). <paramref name="path"/> (a file or a folder) comes first when given.
    /// </summary>
    /// <exception cref="DllNotFoundException">Not found or not loadable; the message lists every place tried.</exception>
    /// <exception cref="InvalidOperationException">libaeron is already loaded from another file.</exception>
    public static string LoadClient(string? path = null)
    {
        lock (Gate)
        {
            _client = Use(_client, path, ClientFileName, () => Load(ClientFileName, path, ClientPathVariable, null));
            return _client.From;
        }
    }

    /// <summary>Load libaeron_driver now (idempotent); see <see cref="LoadClient"/>.</summary>
    public static string LoadDriver(string? path = null)
    {
        lock (Gate)
        {
            _driver = Use(_driver, path, DriverFileName, () => Load(DriverFileName, path, DriverPathVariable, ClientFolder()));
            return _driver.From;
        }
    }

    private static Loaded Use(Loaded? loaded, string? path, string fileName, Func<Loaded> load)
    {
        if (loaded is null)
        {
            return load();
        }
        if (!string.IsNullOrEmpty(path) && !SameFile(loaded.From, Candidate(path, fileName)))
        {
            throw new InvalidOperationException(
                $"{fileName} is already loaded from {loaded.From}; it cannot be loaded again from {path} in this process");
        }
        return loaded;
    }

    private static bool SameFile(string a, string b)
    {
        try
        {
            return Path.GetFullPath(a) == Path.GetFullPath(b)
                || File.Exists(a) && File.Exists(b) && new FileInfo(a).ResolveLinkTarget(true)?.FullName is { } target && target == Path.GetFullPath(b);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        // Imports made before an explicit load find the library the default way.
        return libraryName switch
        {
            "aeron" => Handle(ref _client, () => Load(ClientFileName, null, ClientPathVariable, null)),
            "aeron_driver" => Handle(ref _driver, () => Load(DriverFileName, null, DriverPathVariable, ClientFolder())),
            _ => 0,
        };
    }

    private static nint Handle(ref Loaded? loaded, Func<Loaded> load)
    {
        lock (Gate)
        {
            loaded ??= load();
            return loaded.Handle;
        }
    }

    /// <summary>The folder libaeron came from, or the one TP_AERON_LIBRARY names before it is loaded (where a build puts both).</summary>
    private static string? ClientFolder()
    {
        if (_client is not null)
        {
            return File.Exists(_client.From) ? Path.GetDirectoryName(_client.From) : null;
        }
        string? variable = Environment.GetEnvironmentVariable(ClientPathVariable);
        return string.IsNullOrEmpty(variable) ? null : Path.GetDirectoryName(Candidate(variable, ClientFileName));
    }

    /// <summary>A file, or <paramref name="fileName"/> inside a folder.</summary>
    internal static string Candidate(string path, string fileName) =>
        Path.GetFullPath(Directory.Exists(path) ? Path.Combine(path, fileName) : path);

    /// <summary>The places tried for <paramref name="fileName"/>, in order, before the platform's own search.</summary>
    internal static IReadOnlyList<(string Path, string Origin)> Candidates(string fileName, string? explicitPath, string? variableValue,
        string variable, string? besideClient)
    {
        var list = new List<(string, string)>();
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return [(Candidate(explicitPath, fileName), "the configured path")];
        }
        if (!string.IsNullOrEmpty(variableValue))
        {
            return [(Candidate(variableValue, fileName), "$" + variable)];
        }
        if (besideClient is not null)
        {
            list.Add((Path.Combine(besideClient, fileName), "beside libaeron"));
        }
        return list;
    }

    private static Loaded Load(string fileName, string? explicitPath, string variable, string? besideClient)
    {
        var tried = new StringBuilder();
        string? variableValue = Environment.GetEnvironmentVariable(variable);
        bool given = !string.IsNullOrEmpty(explicitPath) || !string.IsNullOrEmpty(variableValue);
        foreach ((string candidate, string origin) in Candidates(fileName, explicitPath, variableValue, variable, besideClient))
        {
            if (!File.Exists(candidate))
            {
                tried.Append("\n  ").Append(candidate).Append(" (").Append(origin).Append("): no such file");
                continue;
            }
            try
            {
                return new Loaded(NativeLibrary.Load(candidate), candidate);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                tried.Append("\n  ").Append(candidate).Append(" (").Append(origin).Append("): ").Append(e.Message);
            }
        }
        if (!given)
        {
            if (NativeLibrary.TryLoad(fileName, out nint handle))
            {
                return new Loaded(handle, fileName + " (platform library search)");
            }
            tried.Append("\n  ").Append(fileName).Append(" (platform library search: LD_LIBRARY_PATH, ld.so.cache, /usr/lib...): not found");
        }
        throw new DllNotFoundException(
            $"{fileName} (Aeron) could not be loaded. Looked in:{tried}\n" +
            $"Build Aeron with ./build.sh aeron (it installs into build/aeron/install), or set {variable} to the file or its folder.");
    }
}
