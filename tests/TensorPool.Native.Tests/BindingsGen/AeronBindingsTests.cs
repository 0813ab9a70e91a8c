using TensorPool.Native.Tests.Abi;
using TensorPool.Testing;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>
/// The committed Aeron bindings (bindings/TensorPool.Aeron.Native) against the Aeron headers of the local prefix
/// (./build.sh aeron): the same drift check as the core's, and every struct layout and constant against the C
/// compiler. Skipped, with the reason, when Aeron has not been built here.
/// </summary>
public class AeronBindingsTests
{
    private static string RequireHeaders()
    {
        string include = Path.Combine(AeronEnvironment.LocalPrefix, "include");
        if (!File.Exists(Path.Combine(include, "aeron", "aeronc.h")) || !File.Exists(Path.Combine(include, "aeronmd", "aeronmd.h")))
        {
            Assert.Ignore($"no Aeron headers in {include}: run ./build.sh aeron to check the Aeron bindings against them");
        }
        return include;
    }

    [Test]
    public void Committed_aeron_bindings_match_what_the_aeron_headers_generate()
    {
        string include = RequireHeaders();
        NativeProcess.Outcome outcome = GeneratorProcess.Run("--root", RepoPaths.Root, "--aeron", include, "--check");
        string version = File.Exists(Path.Combine(AeronEnvironment.LocalPrefix, "VERSION"))
            ? File.ReadAllText(Path.Combine(AeronEnvironment.LocalPrefix, "VERSION")).Trim()
            : "unknown";
        Assert.That(outcome.ExitCode, Is.Zero, () =>
            $"the local Aeron ({version}) headers generate other bindings: regenerate with ./build.sh bindings and commit, " +
            "or build the pinned Aeron release with ./build.sh aeron.\n" + outcome);
        Assert.That(outcome.StandardOutput.Split('\n').Count(l => l.StartsWith("bindings are current", StringComparison.Ordinal)), Is.EqualTo(2),
            "client and driver bindings");
    }

    [TestCase("Client", "aeron", "TensorPool.Aeron.Native.Internal")]
    [TestCase("Driver", "aeronmd", "TensorPool.Aeron.Native.Internal.Driver")]
    public void Aeron_struct_layouts_and_constants_match_the_c_compiler(string part, string includeFolder, string ns)
    {
        string include = RequireHeaders();
        using var temp = new TempDirectory(Path.GetTempPath(), "tp-abi-aeron-");
        string probe = NativeProcess.CompileC(
            Path.Combine(RepoPaths.Root, "bindings", "TensorPool.Aeron.Native", "Abi", part, "abi_probe.c"),
            Path.Combine(temp.Path, "abi_probe"), Path.Combine(include, includeFolder));
        NativeProcess.Outcome outcome = NativeProcess.Run(probe, []);
        Assert.That(outcome.ExitCode, Is.Zero, outcome.ToString);
        List<AbiRecord> records = AbiRecord.Parse(outcome.StandardOutput);
        Assert.That(records.Count(r => r.Kind == "struct"), Is.GreaterThanOrEqualTo(part == "Client" ? 10 : 0));
        Assert.That(records.Count(r => r.Kind is "enum" or "const"), Is.GreaterThan(10));
        Assert.That(AbiComparer.Compare(typeof(TensorPool.Aeron.Native.Internal.AeronLibrary).Assembly, records, ns), Is.Empty);
    }
}
