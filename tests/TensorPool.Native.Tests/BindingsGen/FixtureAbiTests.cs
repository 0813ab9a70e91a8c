using System.Reflection;
using TensorPool.Native.Tests.Abi;
using TensorPool.Testing;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>
/// The layouts generated for the fixture headers (packed, natural, over-aligned, arrays, nested structs, pointers,
/// every enum width) against the C compiler: the fixture's own abi_probe.c is built with cc and compared with the
/// Roslyn-compiled fixture bindings. Also shows that the comparison catches each kind of drift.
/// </summary>
public class FixtureAbiTests
{
    private static readonly Lazy<List<AbiRecord>> Records = new(BuildAndRunProbe);

    private static Assembly Bindings => FixtureCompilationTests.FixtureAssembly;

    private static List<AbiRecord> BuildAndRunProbe()
    {
        using var temp = new TempDirectory(Path.GetTempPath(), "tp-abi-fixture-");
        string source = Path.Combine(temp.Path, "abi_probe.c");
        File.WriteAllText(source, Fixtures.Valid.File("abi_probe.c").Content);
        string probe = NativeProcess.CompileC(source, Path.Combine(temp.Path, "abi_probe"), Fixtures.Directory,
            Path.Combine(RepoPaths.Root, "native", "include"));
        NativeProcess.Outcome outcome = NativeProcess.Run(probe, []);
        Assert.That(outcome.ExitCode, Is.Zero, outcome.ToString);
        return AbiRecord.Parse(outcome.StandardOutput);
    }

    [Test]
    public void Fixture_layouts_match_the_c_compiler_exactly()
    {
        Assert.That(Records.Value.Count(r => r.Kind == "struct"), Is.EqualTo(11));
        Assert.That(AbiComparer.Compare(Bindings, Records.Value), Is.Empty);
    }

    [Test]
    public void A_drifted_struct_size_is_reported()
    {
        var records = Records.Value.Select(r => r is { Kind: "struct", Owner: "tp_natural_t" } ? r with { Value = "32" } : r).ToList();
        Assert.That(AbiComparer.Compare(Bindings, records), Has.One.Contains("struct tp_natural_t: C sizeof 32"));
    }

    [Test]
    public void A_drifted_field_offset_is_reported()
    {
        var records = Records.Value.Select(r => r is { Kind: "field", Owner: "tp_wire_t", Member: "epoch" } ? r with { Value = "8" } : r).ToList();
        Assert.That(AbiComparer.Compare(Bindings, records), Has.One.Contains("field tp_wire_t.epoch: C offsetof 8, C# TpWire.Epoch at 1"));
    }

    [Test]
    public void A_field_missing_on_either_side_is_reported()
    {
        var withoutField = Records.Value.Where(r => !(r.Kind == "field" && r.Member == "tail")).ToList();
        Assert.That(AbiComparer.Compare(Bindings, withoutField), Has.One.Contains("TpAligned.Tail").And.Contains("not in the probe output"));
        var withExtraField = Records.Value.Append(new AbiRecord("field", "tp_natural_t", "extra", "24")).ToList();
        Assert.That(AbiComparer.Compare(Bindings, withExtraField), Has.One.Contains("field tp_natural_t.extra: no C# field"));
    }

    [Test]
    public void A_drifted_constant_is_reported()
    {
        var records = Records.Value.Select(r => r.Member == "TP_FIXTURE_BIG" ? r with { Value = "1" } : r).ToList();
        Assert.That(AbiComparer.Compare(Bindings, records), Has.One.Contains("const TP_FIXTURE_BIG: C value 1"));
    }
}
