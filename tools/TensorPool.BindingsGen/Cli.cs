namespace TensorPool.BindingsGen;

/// <summary>The command line of the generator (see <see cref="Usage"/>).</summary>
public static class Cli
{
    public const string Usage =
        "usage: TensorPool.BindingsGen [--root <repo>] [--check] [--builtin-include <dir>]\n" +
        "  --root <repo>              repository root (default: the folder above the current one holding TensorPool.sln)\n" +
        "  --check                    generate in memory and compare with the committed files; exit 1 on any difference\n" +
        "  --builtin-include <dir>    the C compiler's builtin headers (stddef.h); default: `$CC -print-file-name=include`\n" +
        "Writes bindings/TensorPool.Native/Generated/*.g.cs and native/abi/{abi_probe.c,CMakeLists.txt}.";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? root = null;
        string? builtinInclude = null;
        bool check = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--root" when i + 1 < args.Length:
                    root = args[++i];
                    break;
                case "--builtin-include" when i + 1 < args.Length:
                    builtinInclude = args[++i];
                    break;
                case "--check":
                    check = true;
                    break;
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return 0;
                default:
                    error.WriteLine($"TensorPool.BindingsGen: unknown or incomplete argument '{args[i]}'");
                    error.WriteLine(Usage);
                    return 2;
            }
        }

        root ??= FindRoot(Directory.GetCurrentDirectory());
        if (root is null || !File.Exists(Path.Combine(root, "TensorPool.sln")))
        {
            error.WriteLine($"TensorPool.BindingsGen: {(root is null ? "no TensorPool.sln above the current directory" : $"'{root}' holds no TensorPool.sln")}; pass --root <repo>");
            return 2;
        }

        GeneratorOptions options = GeneratorOptions.ForRepository(root, builtinInclude);
        GenerationResult result;
        try
        {
            result = BindingsGenerator.Generate(options);
        }
        catch (BindingsException e)
        {
            error.WriteLine("TensorPool.BindingsGen: the headers cannot be bound:");
            error.WriteLine(e.Message);
            return 1;
        }

        string Display(string path) => BindingsGenerator.Display(options, path);
        if (check)
        {
            IReadOnlyList<string> differences = OutputSync.Check(result, Display);
            if (differences.Count == 0)
            {
                output.WriteLine($"bindings are current ({result.Files.Count} files)");
                return 0;
            }
            error.WriteLine($"bindings are stale: {differences.Count} file(s) differ from what native/include generates");
            foreach (string difference in differences)
            {
                error.WriteLine(difference);
            }
            return 1;
        }

        (int written, int unchanged, int deleted) = OutputSync.Write(result);
        output.WriteLine($"bindings: {written} written, {unchanged} unchanged, {deleted} stale deleted");
        foreach (GeneratedFile file in result.Files)
        {
            output.WriteLine("  " + Display(file.Path));
        }
        return 0;
    }

    private static string? FindRoot(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TensorPool.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
