using TensorPool.BindingsGen.Clang;
using TensorPool.BindingsGen.Emit;
using TensorPool.BindingsGen.Model;
using TensorPool.BindingsGen.Parsing;

namespace TensorPool.BindingsGen;

/// <summary>
/// Parses the headers with libclang and produces the C# bindings and the ABI probe, in memory. Deterministic:
/// headers in ordinal order, declarations in source order, LF endings, no timestamps.
/// </summary>
public static class BindingsGenerator
{
    /// <summary>The clang command line: the C dialect and target of the native build (x86_64 Linux, C11, hidden visibility).</summary>
    internal static IReadOnlyList<string> ClangArguments(GeneratorOptions options, string builtinInclude)
    {
        var arguments = new List<string> { "-x", "c", "-std=c11", "--target=x86_64-unknown-linux-gnu" };
        if (options.ExportMacro is not null)
        {
            // Exports are marked TP_EXPORT; hidden is the build's default (cmake/TensorPoolCompilerFlags.cmake).
            arguments.Add("-fvisibility=hidden");
        }
        arguments.AddRange(
        [
            // Attach ordinary /* */ comments to declarations, not only doc comments.
            "-fparse-all-comments",
            "-D_GNU_SOURCE",
            "-isystem", builtinInclude,
        ]);
        foreach (string include in options.IncludeDirectories)
        {
            arguments.Add("-I" + Path.GetFullPath(include));
        }
        return arguments;
    }

    public static GenerationResult Generate(GeneratorOptions options)
    {
        string headerDirectory = Path.GetFullPath(options.HeaderDirectory);
        if (!Directory.Exists(headerDirectory))
        {
            throw new BindingsException($"header directory '{headerDirectory}' does not exist");
        }
        List<string> headerPaths = SelectHeaders(options, headerDirectory);
        List<HeaderModel> headers = headerPaths.Select(p => new HeaderModel(p, Display(options, p))).ToList();

        string builtinInclude = BuiltinIncludes.Find(options.BuiltinIncludeDirectory);
        IReadOnlyList<string> arguments = ClangArguments(options, builtinInclude);
        uint flags = LibClang.TranslationUnitSkipFunctionBodies
            | (options.MacroConstants ? LibClang.TranslationUnitDetailedPreprocessingRecord : 0);
        using (TranslationUnit unit = TranslationUnit.Parse(headerPaths, arguments, flags))
        {
            HeaderReader.Read(unit.Cursor, headers, options);
            if (options.MacroConstants)
            {
                MacroReader.Read(unit, headerPaths, arguments, headers, options);
            }
        }
        return Emit(options, headers);
    }

    private static List<string> SelectHeaders(GeneratorOptions options, string headerDirectory)
    {
        List<string> all = Directory.EnumerateFiles(headerDirectory, "*.h", SearchOption.TopDirectoryOnly)
            .Select(Path.GetFullPath)
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
        if (options.HeaderFilter is null)
        {
            return all;
        }
        var selected = new List<string>();
        foreach (string name in options.HeaderFilter)
        {
            string path = Path.GetFullPath(Path.Combine(headerDirectory, name));
            if (!all.Contains(path, StringComparer.Ordinal))
            {
                throw new BindingsException($"header '{name}' is not in {headerDirectory}");
            }
            selected.Add(path);
        }
        return selected.OrderBy(p => p, StringComparer.Ordinal).ToList();
    }

    private static GenerationResult Emit(GeneratorOptions options, List<HeaderModel> headers)
    {
        var namesByKey = new Dictionary<string, string>(StringComparer.Ordinal);
        var structs = new Dictionary<string, StructDecl>(StringComparer.Ordinal);
        var enums = new Dictionary<string, EnumDecl>(StringComparer.Ordinal);
        foreach (HeaderModel header in headers)
        {
            foreach (StructDecl s in header.Structs)
            {
                namesByKey[s.Key] = s.Name;
                structs[s.Key] = s;
            }
            foreach (EnumDecl e in header.Enums.Where(e => e.Key is not null))
            {
                namesByKey[e.Key!] = e.Name!;
                enums[e.Key!] = e;
            }
            foreach (OpaqueDecl o in header.Opaques)
            {
                namesByKey[o.Key] = o.Name;
            }
        }
        CheckStringHelperNames(headers);

        var emitter = new CSharpEmitter(options, new TypeNames(namesByKey), new LayoutPlanner(structs, enums));
        string csharpDirectory = Path.GetFullPath(options.CSharpOutputDirectory);
        string abiDirectory = Path.GetFullPath(options.AbiOutputDirectory);
        var files = new List<GeneratedFile>();
        foreach (HeaderModel header in headers.Where(h => !h.IsEmpty))
        {
            files.Add(new GeneratedFile(Path.Combine(csharpDirectory, Naming.HeaderStem(Path.GetFileName(header.Path)) + ".g.cs"), emitter.Emit(header)));
        }
        files.Add(new GeneratedFile(Path.Combine(csharpDirectory, "NativeMethods.g.cs"), emitter.EmitNativeMethods()));
        files.Add(new GeneratedFile(Path.Combine(csharpDirectory, "NativeNameAttribute.g.cs"), emitter.EmitNativeNameAttribute()));

        string source = $"the headers in {Display(options, Path.GetFullPath(options.HeaderDirectory))}";
        files.Add(new GeneratedFile(Path.Combine(abiDirectory, "abi_probe.c"),
            AbiProbeEmitter.EmitProbe(headers, h => IncludeSpelling(options, h.Path), source, options.RegenerateCommand)));
        if (options.AbiCMakeLists)
        {
            string includeFromAbi = Path.GetRelativePath(abiDirectory, Path.GetFullPath(options.IncludeDirectories[0])).Replace('\\', '/');
            files.Add(new GeneratedFile(Path.Combine(abiDirectory, "CMakeLists.txt"), AbiProbeEmitter.EmitCMakeLists(includeFromAbi)));
        }

        // Two headers with the same stem (a.h and A.h) would write the same file.
        foreach (IGrouping<string, GeneratedFile> clash in files.GroupBy(f => f.Path, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new BindingsException($"two outputs would be written to {clash.Key}: rename a header");
        }
        return new GenerationResult(files, csharpDirectory, abiDirectory);
    }

    private static void CheckStringHelperNames(List<HeaderModel> headers)
    {
        var functions = headers.SelectMany(h => h.Functions.Select(f => (Header: h, Function: f))).ToList();
        var byName = functions.ToDictionary(x => x.Function.CName, StringComparer.Ordinal);
        var errors = new List<BindingsError>();
        foreach ((HeaderModel _, FunctionDecl function) in functions.Where(x => x.Function.ReturnsLibraryString))
        {
            string helper = function.CName + CSharpEmitter.StringHelperSuffix;
            if (byName.TryGetValue(helper, out var clash))
            {
                errors.Add(new BindingsError(clash.Header.DisplayPath, clash.Function.Line, clash.Function.Column,
                    $"function '{helper}' has the name of the generated string helper of '{function.CName}' (which returns const char *): rename it"));
            }
        }
        if (errors.Count > 0)
        {
            throw new BindingsException(errors);
        }
    }

    private static string IncludeSpelling(GeneratorOptions options, string header)
    {
        foreach (string include in options.IncludeDirectories)
        {
            string relative = Path.GetRelativePath(Path.GetFullPath(include), header);
            if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
            {
                return relative.Replace('\\', '/');
            }
        }
        return header;
    }

    internal static string Display(GeneratorOptions options, string path)
    {
        if (options.HeaderDisplayDirectory is not null && Path.GetFullPath(options.HeaderDirectory) is string headerDirectory
            && (path == headerDirectory || path.StartsWith(headerDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            string below = Path.GetRelativePath(headerDirectory, path).Replace('\\', '/');
            return below == "." ? options.HeaderDisplayDirectory : options.HeaderDisplayDirectory.TrimEnd('/') + "/" + below;
        }
        string relative = Path.GetRelativePath(Path.GetFullPath(options.RepositoryRoot), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative.Replace('\\', '/');
    }
}
