using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using TensorPool.Sbe.Generator;
using TensorPool.Testing;

namespace TensorPool.Sbe.Tests;

/// <summary>The source generator run in process: what it emits for the schemas, and the build error for a schema it cannot use.</summary>
public class GeneratorTests
{
    [Test]
    public void Schemas_generate_code_that_compiles()
    {
        AdditionalText[] schemas = Directory.GetFiles(Path.Combine(RepoPaths.Root, "schemas"), "*.xml")
            .Select(f => (AdditionalText)new Text(f, File.ReadAllText(f))).ToArray();

        (Compilation output, ImmutableArray<Diagnostic> diagnostics) = Run(schemas);

        Assert.That(diagnostics, Is.Empty);
        string[] files = output.SyntaxTrees.Select(t => Path.GetFileName(t.FilePath)).ToArray();
        Assert.That(files, Does.Contain("Wire.FrameDescriptor.g.cs").And.Contain("Discovery.Schema.g.cs").And.Contain("SbeDemultiplexer.g.cs"));
        Assert.That(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
    }

    [Test]
    public void Schema_it_cannot_use_is_build_error_TPSBE001()
    {
        var bad = new Text("/x/broken-schema.xml",
            "<messageSchema id=\"1\"><types/><message name=\"M\" id=\"1\"><field name=\"a\" id=\"1\" type=\"nope\"/></message></messageSchema>");
        var unrelated = new Text("/x/app.config.xml", "<configuration/>");

        (_, ImmutableArray<Diagnostic> diagnostics) = Run([bad, unrelated]);

        Diagnostic d = diagnostics.Single();
        Assert.That(d.Id, Is.EqualTo("TPSBE001"));
        Assert.That(d.Severity, Is.EqualTo(DiagnosticSeverity.Error));
        Assert.That(d.GetMessage(), Does.Contain("broken-schema.xml").And.Contain("messageHeader"));
        Assert.That(d.Location.GetLineSpan().Path, Is.EqualTo("/x/broken-schema.xml"));
    }

    private static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(AdditionalText[] files)
    {
        MetadataReference[] references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location))
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))
            .Append(MetadataReference.CreateFromFile(typeof(SbeCodec).Assembly.Location))
            .ToArray();
        CSharpCompilation compilation = CSharpCompilation.Create("Generated",
            [CSharpSyntaxTree.ParseText("", new CSharpParseOptions(LanguageVersion.Preview))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new SbeSourceGenerator().AsSourceGenerator()], files,
            new CSharpParseOptions(LanguageVersion.Preview));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return (output, diagnostics);
    }

    private sealed class Text(string path, string content) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(content);
    }
}
