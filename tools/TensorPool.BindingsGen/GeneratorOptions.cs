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

    /// <summary>
    /// Emit the declarations as pubternal (D231): <c>public</c>, marked <c>[EditorBrowsable(Never)]</c> and documented
    /// as outside compatibility, for a namespace named <c>Internal</c> (or nested in one) that other assemblies of the
    /// project use. False: <c>internal</c>.
    /// </summary>
    public bool Pubternal { get; init; }

    /// <summary>The name given to [LibraryImport] (lib&lt;name&gt;.so).</summary>
    public string LibraryName { get; init; } = "tensorpool";

    /// <summary>
    /// The library's C prefix without its underscore (<c>tp</c>, <c>aeron</c>): C names lose <c>&lt;prefix&gt;_</c> or
    /// <c>&lt;PREFIX&gt;_</c> and C# type names start with it in PascalCase (<c>aeron_image_t</c> → <c>AeronImage</c>).
    /// </summary>
    public string SymbolPrefix { get; init; } = "tp";

    /// <summary>
    /// The macro that marks exported functions in a library built with hidden visibility (<c>TP_EXPORT</c>): headers
    /// are parsed with <c>-fvisibility=hidden</c> and a function without it is refused. Null: the library exports every
    /// function its headers declare (default visibility, as libaeron), so no function is refused for visibility.
    /// </summary>
    public string? ExportMacro { get; init; } = "TP_EXPORT";

    /// <summary>Bind C <c>bool</c> as <c>byte</c> (0 or 1; one byte in the SysV and AAPCS64 ABIs) instead of refusing it.</summary>
    public bool BoolAsByte { get; init; }

    /// <summary>
    /// Also bind object-like macros named <c>&lt;PREFIX&gt;_*</c> whose body is an integer constant expression
    /// (evaluated by clang, with its C type) or a string literal, as constants of the header's constants class.
    /// </summary>
    public bool MacroConstants { get; init; }

    /// <summary>
    /// Leave out what cannot be bound and list it, with the reason, in the header's <c>// Not bound:</c> comment
    /// instead of failing: for a third-party header the project does not control. A struct that cannot be bound becomes
    /// opaque (usable through pointers).
    /// </summary>
    public bool SkipUnbindable { get; init; }

    /// <summary>Shown instead of the header directory in banners and messages (a header outside the repository).</summary>
    public string? HeaderDisplayDirectory { get; init; }

    /// <summary>Also write the CMakeLists.txt that builds the ABI probe as <c>tp_abi_probe</c> (the core's native build).</summary>
    public bool AbiCMakeLists { get; init; } = true;

    /// <summary>Where the regeneration command is documented, for the banners.</summary>
    public string RegenerateCommand { get; init; } = "./build.sh bindings";

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
            Namespace = "TensorPool.Native.Internal",
            Pubternal = true,
        };
    }
}
