namespace TensorPool.BindingsGen;

/// <summary>What to bind and where the output goes. <see cref="ForRepository"/> gives the project's layout.</summary>
public sealed class GeneratorOptions
{
    /// <summary>Paths in banners and messages are shown relative to this directory.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Every <c>*.h</c> directly in this directory is bound (see <see cref="HeaderFilter"/>).</summary>
    public required string HeaderDirectory { get; init; }

    /// <summary>Optional file names (e.g. <c>error.h</c>) to bind instead of every header of the directory.</summary>
    public IReadOnlyList<string>? HeaderFilter { get; init; }

    /// <summary>-I directories; the ABI probe includes each header relative to the first one that contains it.</summary>
    public required IReadOnlyList<string> IncludeDirectories { get; init; }

    /// <summary>Where the <c>*.g.cs</c> files go.</summary>
    public required string CSharpOutputDirectory { get; init; }

    /// <summary>Where abi_probe.c and its CMakeLists.txt go.</summary>
    public required string AbiOutputDirectory { get; init; }

    /// <summary>The compiler's builtin headers (stddef.h ...); found from <c>$CC</c> when null.</summary>
    public string? BuiltinIncludeDirectory { get; init; }

    public string Namespace { get; init; } = "TensorPool.Native";

    /// <summary>The name given to [LibraryImport] (lib&lt;name&gt;.so).</summary>
    public string LibraryName { get; init; } = "tensorpool";

    /// <summary>The project's layout: native/include/tensorpool → bindings/TensorPool.Native/Generated and native/abi.</summary>
    public static GeneratorOptions ForRepository(string root, string? builtinIncludeDirectory = null)
    {
        root = Path.GetFullPath(root);
        return new GeneratorOptions
        {
            RepositoryRoot = root,
            HeaderDirectory = Path.Combine(root, "native", "include", "tensorpool"),
            IncludeDirectories = [Path.Combine(root, "native", "include")],
            CSharpOutputDirectory = Path.Combine(root, "bindings", "TensorPool.Native", "Generated"),
            AbiOutputDirectory = Path.Combine(root, "native", "abi"),
            BuiltinIncludeDirectory = builtinIncludeDirectory,
        };
    }
}
