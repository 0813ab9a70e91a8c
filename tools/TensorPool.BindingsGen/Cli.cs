namespace TensorPool.BindingsGen;

/// <summary>The command line of the generator (see <see cref="Usage"/>).</summary>
public static class Cli
{
    public const string Usage =
        "usage: TensorPool.BindingsGen [--root <repo>] [--check] [--builtin-include <dir>] [--aeron [<dir>]]\n" +
        "  --root <repo>              repository root (default: the folder above the current one holding TensorPool.sln)\n" +
        "  --check                    generate in memory and compare with the committed files; exit 1 on any difference\n" +
        "  --builtin-include <dir>    the C compiler's builtin headers (stddef.h); default: `$CC -print-file-name=include`\n" +
        "  --aeron [<dir>]            bind Aeron instead: aeronc.h and aeronmd.h from <dir> (an Aeron install's include\n" +
        "                             directory or source tree; default: the local prefix of ./build.sh aeron, " + AeronBindings.LocalPrefix + "/include)\n" +
        "Writes bindings/TensorPool.Native/Generated/*.g.cs and native/abi/{abi_probe.c,CMakeLists.txt}; with --aeron,\n" +
        "bindings/TensorPool.Aeron.Native/Generated/{Client,Driver}/*.g.cs and bindings/TensorPool.Aeron.Native/Abi/{Client,Driver}/abi_probe.c.";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? root = null;
        string? builtinInclude = null;
        bool check = false;
        bool aeron = false;
        string? aeronHeaders = null;
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
                case "--aeron":
                    aeron = true;
                    if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        aeronHeaders = args[++i];
                    }
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

        IReadOnlyList<GeneratorOptions> runs;
        if (aeron)
        {
            aeronHeaders ??= AeronBindings.FindLocalHeaders(root);
            if (aeronHeaders is null)
            {
                error.WriteLine($"TensorPool.BindingsGen: no Aeron headers: {AeronBindings.LocalPrefix}/include does not exist " +
                    "(run ./build.sh aeron) and --aeron names no directory");
                return 2;
            }
            try
            {
                runs = AeronBindings.Options(root, aeronHeaders, builtinInclude);
            }
            catch (BindingsException e)
            {
                error.WriteLine("TensorPool.BindingsGen: " + e.Message);
                return 2;
            }
        }
        else
        {
            runs = [GeneratorOptions.ForRepository(root, builtinInclude)];
        }
        int rc = 0;
        foreach (GeneratorOptions options in runs)
        {
            rc = Math.Max(rc, RunOne(options, check, output, error));
        }
        return rc;
    }

    private static int RunOne(GeneratorOptions options, bool check, TextWriter output, TextWriter error)
    {
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
            error.WriteLine($"bindings are stale: {differences.Count} file(s) differ from what {Display(Path.GetFullPath(options.HeaderDirectory))} generates");
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
