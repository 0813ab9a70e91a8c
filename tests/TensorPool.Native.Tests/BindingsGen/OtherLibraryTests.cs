using System.Reflection;
using TensorPool.BindingsGen;
using TensorPool.Native.Tests.Abi;
using TensorPool.Testing;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>
/// The options that bind another library's header (Aeron's): its prefix, no export macro, bool as a byte, #define
/// constants, and what cannot be bound listed instead of failing. Fixture: Fixtures/OtherLibrary/xlib.h.
/// </summary>
public class OtherLibraryTests
{
    private static string Directory => Path.Combine(Fixtures.Directory, "OtherLibrary");

    private static GeneratorOptions Options(bool skip = true, string? exportMacro = null, bool boolAsByte = true) => new()
    {
        RepositoryRoot = RepoPaths.Root,
        HeaderDirectory = Directory,
        IncludeDirectories = [Directory],
        CSharpOutputDirectory = Path.Combine(Path.GetTempPath(), "tp-bindingsgen-xlib", "Generated"),
        AbiOutputDirectory = Path.Combine(Path.GetTempPath(), "tp-bindingsgen-xlib", "abi"),
        Namespace = "Xlib.Native",
        LibraryName = "xlib",
        SymbolPrefix = "xlib",
        ExportMacro = exportMacro,
        BoolAsByte = boolAsByte,
        MacroConstants = true,
        SkipUnbindable = skip,
        HeaderDisplayDirectory = "xlib/include",
        AbiCMakeLists = false,
        RegenerateCommand = "the xlib regeneration",
    };

    private static readonly Lazy<GenerationResult> Generated = new(() => BindingsGenerator.Generate(Options()));

    private static string Source => Generated.Value.Files.Single(f => f.Path.EndsWith("Xlib.g.cs", StringComparison.Ordinal)).Content;

    private static readonly Lazy<Assembly> Compiled = new(() =>
    {
        FixtureCompiler.Result result = FixtureCompiler.Compile(Generated.Value.Files, "Xlib.Fixture.Bindings");
        Assert.That(result.Errors.Select(e => e.ToString()), Is.Empty);
        Assert.That(result.Warnings.Select(e => e.ToString()), Is.Empty);
        return result.Assembly!;
    });

    [Test]
    public void Names_lose_the_libraries_prefix_and_take_it_in_pascal_case()
    {
        Assert.That(Source, Does.Contain("internal struct XlibPair").And.Contain("internal enum XlibMode"));
        Assert.That(Source, Does.Contain("internal struct Xlib\n"), "xlib_t is the prefix alone, not XlibT");
        Assert.That(Source, Does.Contain("internal static class XlibConstants"), "a header named after the prefix keeps its stem");
        Assert.That(Source, Does.Contain("Fast = 0,").And.Contain("[NativeName(\"XLIB_MODE_SAFE\")]"));
        Assert.That(Naming.TypeName("aeron_image_t", "aeron"), Is.EqualTo("AeronImage"));
        Assert.That(Naming.TypeName("aeron_t", "aeron"), Is.EqualTo("Aeron"));
        Assert.That(Naming.ConstantName("AERON_PUBLICATION_CLOSED", "aeron"), Is.EqualTo("PublicationClosed"));
        Assert.That(Naming.ConstantsClass("aeronc.h", "aeron"), Is.EqualTo("AeroncConstants"));
        Assert.That(Naming.ConstantsClass("error.h"), Is.EqualTo("TpErrorConstants"), "the project's own names are unchanged");
    }

    [Test]
    public void Pubternal_output_is_public_hidden_from_IntelliSense_and_says_it_is_outside_compatibility_D231()
    {
        GeneratorOptions options = Options();
        string source = BindingsGenerator.Generate(new GeneratorOptions
        {
            RepositoryRoot = options.RepositoryRoot,
            HeaderDirectory = options.HeaderDirectory,
            IncludeDirectories = options.IncludeDirectories,
            CSharpOutputDirectory = options.CSharpOutputDirectory,
            AbiOutputDirectory = options.AbiOutputDirectory,
            Namespace = "Xlib.Native.Internal",
            LibraryName = options.LibraryName,
            SymbolPrefix = options.SymbolPrefix,
            ExportMacro = options.ExportMacro,
            BoolAsByte = options.BoolAsByte,
            MacroConstants = options.MacroConstants,
            SkipUnbindable = options.SkipUnbindable,
            HeaderDisplayDirectory = options.HeaderDisplayDirectory,
            AbiCMakeLists = false,
            RegenerateCommand = options.RegenerateCommand,
            Pubternal = true,
        }).Files.Single(f => f.Path.EndsWith("Xlib.g.cs", StringComparison.Ordinal)).Content;
        const string Hidden = "[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]";
        Assert.That(source, Does.Contain("public struct XlibPair").And.Contain("public enum XlibMode").And.Contain("public static class XlibConstants"));
        Assert.That(source, Does.Contain("public static partial int xlib_open(Xlib** client, string name, byte create);"));
        Assert.That(source, Does.Not.Contain("internal "), "nothing stays internal");
        string[] lines = source.Split('\n');
        var unmarked = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            // The per-header part of NativeMethods is not marked again: NativeMethods.g.cs marks the class.
            if (lines[i].StartsWith("public ", StringComparison.Ordinal) && !lines[i].Contains("partial class NativeMethods", StringComparison.Ordinal))
            {
                int j = i - 1;
                while (j >= 0 && lines[j].StartsWith('[') && lines[j] != Hidden)
                {
                    j--;
                }
                if (j < 0 || lines[j] != Hidden)
                {
                    unmarked.Add(lines[i]);
                }
            }
        }
        Assert.That(unmarked, Is.Empty, "every top-level type is hidden");
        Assert.That(source, Does.Contain("not covered by compatibility"));
        Assert.That(Source, Does.Not.Contain("EditorBrowsable"), "without the option the output is internal and unmarked");
    }

    [Test]
    public void Without_an_export_macro_every_declared_function_is_bound_and_bool_is_a_byte()
    {
        Assert.That(Source, Does.Contain("internal static partial int xlib_open(Xlib** client, string name, byte create);"));
        Assert.That(Source, Does.Contain("internal static partial byte xlib_is_open(Xlib* client);"));
        Assert.That(Source, Does.Contain("[LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]"));
    }

    [Test]
    public void With_an_export_macro_a_function_without_it_is_refused_naming_the_macro()
    {
        var e = Assert.Throws<BindingsException>(() => BindingsGenerator.Generate(Options(skip: false, exportMacro: "XLIB_EXPORT")));
        Assert.That(e!.Message, Does.Contain("'xlib_open' is declared in a public header but not exported: mark it XLIB_EXPORT"));
    }

    [Test]
    public void Bool_is_refused_unless_bound_as_a_byte()
    {
        var e = Assert.Throws<BindingsException>(() => BindingsGenerator.Generate(Options(skip: false, boolAsByte: false)));
        Assert.That(e!.Message, Does.Contain("'bool' is not bindable"));
    }

    [Test]
    public void Constant_macros_are_bound_with_the_value_and_type_clang_gives_them()
    {
        Assert.That(Source, Does.Contain("public const int NullValue = -1;"));
        Assert.That(Source, Does.Contain("public const uint Flags = 16;"));
        Assert.That(Source, Does.Contain("public const long Big = 1099511627776;"));
        Assert.That(Source, Does.Contain("public const ulong PairLength = 16;"));
        Assert.That(Source, Does.Contain("/// <summary>The library's name.</summary>\n    [NativeName(\"XLIB_NAME\")]\n    public const string Name = \"xlib\";"));
        Assert.That(Source, Does.Contain("public const string Escaped = \"a\\\"b\\\\c\";"));
        Assert.That(Source, Does.Contain("public const string Joined = \"abcd\";"));
        Assert.That(Source, Does.Not.Contain("OtherConstant").And.Not.Contain("Guard"), "other prefixes and empty macros are left alone");
    }

    [Test]
    public void What_cannot_be_bound_is_listed_with_the_reason_instead_of_failing()
    {
        string notBound = Source.Split('\n').Single(l => l.Contains("// Not bound:", StringComparison.Ordinal));
        Assert.That(notBound, Does.Contain("XLIB_OFFSET (function-like macro)"));
        Assert.That(notBound, Does.Contain("XLIB_TYPE (not an expression"));
        Assert.That(notBound, Does.Contain("xlib_log (variadic)"));
        Assert.That(notBound, Does.Contain("xlib_set_vlog (parameter 'log' of 'xlib_set_vlog'"));
        Assert.That(notBound, Does.Contain("xlib_variant_t (bound as an opaque type: "));
        Assert.That(notBound, Does.Contain("xlib_variant_copy"));
        Assert.That(Source, Does.Contain("internal static partial int xlib_variant_get(XlibVariant* variant);"),
            "a struct that cannot be laid out is still usable through pointers");
    }

    [Test]
    public void Without_skipping_the_unbindable_constructs_fail_the_generator()
    {
        var e = Assert.Throws<BindingsException>(() => BindingsGenerator.Generate(Options(skip: false)));
        Assert.That(e!.Message, Does.Contain("union"));
    }

    [Test]
    public void The_generated_code_compiles_and_its_layouts_and_constants_match_the_c_compiler()
    {
        using var temp = new TempDirectory(Path.GetTempPath(), "tp-abi-xlib-");
        string source = Path.Combine(temp.Path, "abi_probe.c");
        File.WriteAllText(source, Generated.Value.Files.Single(f => f.Path.EndsWith("abi_probe.c", StringComparison.Ordinal)).Content);
        string probe = NativeProcess.CompileC(source, Path.Combine(temp.Path, "abi_probe"), Directory);
        NativeProcess.Outcome outcome = NativeProcess.Run(probe, []);
        Assert.That(outcome.ExitCode, Is.Zero, outcome.ToString);
        List<AbiRecord> records = AbiRecord.Parse(outcome.StandardOutput);
        Assert.That(records.Any(r => r is { Kind: "const", Member: "XLIB_JOINED", Value: "abcd" }), Is.True);
        Assert.That(AbiComparer.Compare(Compiled.Value, records), Is.Empty);
    }

    [Test]
    public void The_banner_names_the_display_directory_and_the_regeneration_command()
    {
        Assert.That(Source, Does.StartWith("// <auto-generated>\n//   Generated by tools/TensorPool.BindingsGen from xlib/include/xlib.h; do not edit.\n" +
            "//   Regenerate with the xlib regeneration"));
        Assert.That(Generated.Value.Files.Any(f => f.Path.EndsWith("CMakeLists.txt", StringComparison.Ordinal)), Is.False);
    }
}
