namespace TensorPool.BindingsGen;

/// <summary>
/// The Aeron C client (<c>aeronc.h</c>, libaeron) and media driver (<c>aeronmd.h</c>, libaeron_driver) bound into
/// bindings/TensorPool.Aeron.Native: Aeron's prefix, no export macro (libaeron exports everything it declares),
/// <c>bool</c> as a byte, its <c>#define</c> constants, and what a C# caller cannot use listed as not bound.
/// </summary>
public static class AeronBindings
{
    /// <summary>Where <c>./build.sh aeron</c> installs Aeron, relative to the repository root.</summary>
    public const string LocalPrefix = "build/aeron/install";

    /// <summary>How the Aeron bindings are regenerated (shown in their banners).</summary>
    public const string RegenerateCommand = "./build.sh bindings (with Aeron from ./build.sh aeron)";

    /// <summary>The local prefix's include directory, if <c>./build.sh aeron</c> has installed one.</summary>
    public static string? FindLocalHeaders(string root)
    {
        string include = Path.Combine(root, LocalPrefix, "include");
        return Directory.Exists(include) ? include : null;
    }

    /// <summary>
    /// The client and driver generations for the Aeron headers under <paramref name="headers"/>: an install's include
    /// directory (<c>aeron/aeronc.h</c>, <c>aeronmd/aeronmd.h</c>) or an Aeron source tree
    /// (<c>aeron-client/src/main/c/aeronc.h</c>, <c>aeron-driver/src/main/c/aeronmd.h</c>).
    /// </summary>
    /// <exception cref="BindingsException">Neither layout is found there.</exception>
    public static IReadOnlyList<GeneratorOptions> Options(string root, string headers, string? builtinIncludeDirectory = null)
    {
        root = Path.GetFullPath(root);
        headers = Path.GetFullPath(headers);
        (string Client, string Driver)[] layouts =
        [
            (Path.Combine(headers, "aeron"), Path.Combine(headers, "aeronmd")),
            (Path.Combine(headers, "aeron-client", "src", "main", "c"), Path.Combine(headers, "aeron-driver", "src", "main", "c")),
        ];
        foreach ((string client, string driver) in layouts)
        {
            if (File.Exists(Path.Combine(client, "aeronc.h")) && File.Exists(Path.Combine(driver, "aeronmd.h")))
            {
                string output = Path.Combine(root, "bindings", "TensorPool.Aeron.Native");
                return
                [
                    For(root, client, "aeronc.h", "aeron-client/src/main/c", "TensorPool.Aeron.Native.Internal", "aeron",
                        Path.Combine(output, "Generated", "Client"), Path.Combine(output, "Abi", "Client"), builtinIncludeDirectory),
                    For(root, driver, "aeronmd.h", "aeron-driver/src/main/c", "TensorPool.Aeron.Native.Internal.Driver", "aeron_driver",
                        Path.Combine(output, "Generated", "Driver"), Path.Combine(output, "Abi", "Driver"), builtinIncludeDirectory),
                ];
            }
        }
        throw new BindingsException($"'{headers}' holds no Aeron headers: expected aeron/aeronc.h and aeronmd/aeronmd.h " +
            "(an install's include directory) or aeron-client/src/main/c/aeronc.h and aeron-driver/src/main/c/aeronmd.h (a source tree)");
    }

    private static GeneratorOptions For(string root, string directory, string header, string display, string ns, string library,
        string csharp, string abi, string? builtinIncludeDirectory) => new()
    {
        RepositoryRoot = root,
        HeaderDirectory = directory,
        HeaderFilter = [header],
        IncludeDirectories = [directory],
        CSharpOutputDirectory = csharp,
        AbiOutputDirectory = abi,
        BuiltinIncludeDirectory = builtinIncludeDirectory,
        Namespace = ns,
        Pubternal = true,
        LibraryName = library,
        SymbolPrefix = "aeron",
        ExportMacro = null,
        BoolAsByte = true,
        MacroConstants = true,
        SkipUnbindable = true,
        HeaderDisplayDirectory = display,
        AbiCMakeLists = false,
        RegenerateCommand = RegenerateCommand,
    };
}
