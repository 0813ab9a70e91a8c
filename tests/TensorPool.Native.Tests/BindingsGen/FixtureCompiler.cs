using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TensorPool.BindingsGen;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>
/// Compiles generated C# in memory with Roslyn, running the SDK's LibraryImport source generator (from the
/// Microsoft.NETCore.App.Ref pack of the installed SDK) as the real build does, and loads the result.
/// </summary>
internal static class FixtureCompiler
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    public sealed record Result(Assembly? Assembly, IReadOnlyList<Diagnostic> Errors, IReadOnlyList<Diagnostic> Warnings);

    public static Result Compile(IEnumerable<GeneratedFile> files, string assemblyName)
    {
        List<SyntaxTree> trees = files
            .Where(f => f.Path.EndsWith(".cs", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(f.Content, ParseOptions, path: Path.GetFileName(f.Path)))
            .ToList();
        var compilation = CSharpCompilation.Create(assemblyName, trees, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Default));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(LibraryImportGenerators(), parseOptions: ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);

        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(stream);
        List<Diagnostic> all = generatorDiagnostics.Concat(emitted.Diagnostics).ToList();
        List<Diagnostic> errors = all.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        List<Diagnostic> warnings = all.Where(d => d.Severity == DiagnosticSeverity.Warning).ToList();
        if (!emitted.Success)
        {
            return new Result(null, errors, warnings);
        }
        stream.Position = 0;
        var context = new AssemblyLoadContext(assemblyName, isCollectible: true);
        return new Result(context.LoadFromStream(stream), errors, warnings);
    }

    private static List<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();

    /// <summary>Microsoft.Interop.LibraryImportGenerator.dll of the newest Microsoft.NETCore.App.Ref pack beside the running runtime.</summary>
    private static ImmutableArray<ISourceGenerator> LibraryImportGenerators()
    {
        // <dotnet>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll → <dotnet>
        string dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        string packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        string? generator = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out Version? v) ? v : new Version(0, 0))
                .Select(d => Path.Combine(d, "analyzers", "dotnet", "cs", "Microsoft.Interop.LibraryImportGenerator.dll"))
                .FirstOrDefault(File.Exists)
            : null;
        if (generator is null)
        {
            Assert.Ignore($"the SDK's LibraryImport generator is not under {packs}: cannot compile generated bindings in memory");
        }
        var reference = new AnalyzerFileReference(generator!, new Loader());
        return reference.GetGenerators(LanguageNames.CSharp);
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
