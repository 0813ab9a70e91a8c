using TensorPool.BindingsGen;
using TensorPool.Testing;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>The fixture headers under BindingsGen/Fixtures and generator options that bind them into a temp folder.</summary>
internal static class Fixtures
{
    private static readonly Lazy<GenerationResult> ValidLazy = new(() => BindingsGenerator.Generate(Options(Directory, null)));

    public static string Directory => Path.Combine(RepoPaths.Root, "tests", "TensorPool.Native.Tests", "BindingsGen", "Fixtures");

    public static string UnsupportedDirectory => Path.Combine(Directory, "Unsupported");

    /// <summary>layouts.h, enums.h and functions.h, generated once per test run.</summary>
    public static GenerationResult Valid => ValidLazy.Value;

    public static GeneratorOptions Options(string headerDirectory, IReadOnlyList<string>? headers, string? outputRoot = null)
    {
        outputRoot ??= Path.Combine(Path.GetTempPath(), "tp-bindingsgen-fixture-output");
        return new GeneratorOptions
        {
            RepositoryRoot = RepoPaths.Root,
            HeaderDirectory = headerDirectory,
            HeaderFilter = headers,
            IncludeDirectories = [headerDirectory, Path.Combine(RepoPaths.Root, "native", "include")],
            CSharpOutputDirectory = Path.Combine(outputRoot, "Generated"),
            AbiOutputDirectory = Path.Combine(outputRoot, "abi"),
        };
    }

    /// <summary>The 1-based line of an unsupported fixture that carries the EXPECT-ERROR marker.</summary>
    public static int ExpectedErrorLine(string header)
    {
        string[] lines = File.ReadAllLines(Path.Combine(UnsupportedDirectory, header));
        int index = Array.FindIndex(lines, l => l.Contains("EXPECT-ERROR", StringComparison.Ordinal));
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"{header} has no EXPECT-ERROR marker");
        return index + 1;
    }
}
