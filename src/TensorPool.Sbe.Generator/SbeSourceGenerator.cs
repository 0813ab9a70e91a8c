using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TensorPool.Sbe.Generator.Emit;
using TensorPool.Sbe.Generator.Model;

namespace TensorPool.Sbe.Generator;

/// <summary>
/// Turns every SBE messageSchema among the project's AdditionalFiles (*.xml) into zero-allocation
/// codecs in namespace TensorPool.Sbe.{FileName} (wire-schema.xml: TensorPool.Sbe.Wire), plus the
/// cross-schema demultiplexer in {RootNamespace}.Sbe. A schema it cannot use is a build error (TPSBE001).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SbeSourceGenerator : IIncrementalGenerator
{
    private static readonly DiagnosticDescriptor SchemaError = new(
        "TPSBE001",
        "SBE schema cannot be used",
        "SBE schema '{0}' cannot be used: {1}",
        "TensorPool.Sbe",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<(string Path, string Text)> files = context.AdditionalTextsProvider
            .Where(static t => t.Path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
            .Select(static (t, ct) => (t.Path, t.GetText(ct)?.ToString() ?? ""))
            .Where(static f => SchemaParser.IsSchemaDocument(f.Item2));

        IncrementalValueProvider<string> rootNamespace = context.AnalyzerConfigOptionsProvider.Select(static (o, _) =>
            o.GlobalOptions.TryGetValue("build_property.RootNamespace", out string? ns) && !string.IsNullOrWhiteSpace(ns) ? ns : "Generated");

        context.RegisterSourceOutput(files, static (spc, file) =>
        {
            SbeSchema? schema = TryParse(spc, file.Path, file.Text);
            if (schema is not null)
            {
                EmitSchema(spc, schema);
            }
        });

        context.RegisterSourceOutput(files.Collect().Combine(rootNamespace), static (spc, input) =>
        {
            ImmutableArray<(string Path, string Text)> all = input.Left;
            var schemas = new List<SbeSchema>();
            foreach ((string path, string text) in all.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                try
                {
                    schemas.Add(SchemaParser.Parse(text, path));
                }
                catch (SchemaException)
                {
                    // Reported by the per-schema output.
                }
            }
            if (schemas.Count > 0)
            {
                spc.AddSource("SbeDemultiplexer.g.cs", SourceText.From(AggregateEmitter.Emit(input.Right + ".Sbe", schemas), Encoding.UTF8));
            }
        });
    }

    private static SbeSchema? TryParse(SourceProductionContext spc, string path, string text)
    {
        try
        {
            return SchemaParser.Parse(text, path);
        }
        catch (SchemaException e)
        {
            spc.ReportDiagnostic(Diagnostic.Create(SchemaError, Location.Create(path, default, default), path, e.Message));
            return null;
        }
    }

    private static void EmitSchema(SourceProductionContext spc, SbeSchema schema)
    {
        string ns = "TensorPool.Sbe." + schema.Name;
        var types = new CodeWriter();
        types.FileHeader(ns);
        foreach (SbeEnum e in schema.Enums)
        {
            EnumEmitter.Emit(types, schema, e);
        }
        foreach (SbeSet s in schema.Sets)
        {
            EnumEmitter.Emit(types, schema, s);
        }
        SchemaEmitter.Emit(types, schema);
        spc.AddSource($"{schema.Name}.Schema.g.cs", SourceText.From(types.ToString(), Encoding.UTF8));

        foreach (Container m in schema.Messages)
        {
            var w = new CodeWriter();
            w.FileHeader(ns);
            DecoderEmitter.EmitMessage(w, schema, m);
            EncoderEmitter.EmitMessage(w, schema, m);
            spc.AddSource($"{schema.Name}.{Names.Pascal(m.Name)}.g.cs", SourceText.From(w.ToString(), Encoding.UTF8));
        }
    }
}
