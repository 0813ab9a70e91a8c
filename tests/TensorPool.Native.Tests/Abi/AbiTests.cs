using TensorPool.Testing;

namespace TensorPool.Native.Tests.Abi;

/// <summary>
/// The committed bindings against the C compiler: tp_abi_probe (native/abi, generated with the bindings and built
/// with the native library) prints every struct size, field offset and enum/constant value; the C# types must agree.
/// </summary>
public class AbiTests
{
    private static List<AbiRecord> ProbeRecords()
    {
        NativeProcess.Outcome outcome = NativeProcess.Run(NativeBuild.RequireAbiProbe(), []);
        Assert.That(outcome.ExitCode, Is.Zero, outcome.ToString);
        return AbiRecord.Parse(outcome.StandardOutput);
    }

    [Test]
    public void Every_struct_size_field_offset_and_enum_value_matches_the_c_compiler()
    {
        List<AbiRecord> records = ProbeRecords();
        Assert.That(records, Is.Not.Empty);
        Assert.That(AbiComparer.Compare(typeof(NativeMethods).Assembly, records), Is.Empty);
    }

    [Test]
    public void The_same_bindings_match_the_linux_arm64_build()
    {
        // The bindings are generated once (for x86-64); the package also ships an AArch64 library. Its compiler's
        // view of every layout and constant, run under qemu-user, must agree with the same C# types.
        (string program, string[] arguments) = NativeBuild.RequireArm64AbiProbe();
        NativeProcess.Outcome outcome = NativeProcess.Run(program, arguments);
        Assert.That(outcome.ExitCode, Is.Zero, outcome.ToString);
        List<AbiRecord> records = AbiRecord.Parse(outcome.StandardOutput);
        Assert.That(records, Has.Count.EqualTo(ProbeRecords().Count), "the same declarations as the x86-64 probe");
        Assert.That(AbiComparer.Compare(typeof(NativeMethods).Assembly, records), Is.Empty);
    }

    [Test]
    public void A_drifted_enum_value_is_reported()
    {
        List<AbiRecord> records = ProbeRecords()
            .Select(r => r.Member == "TP_ERR_IO" ? r with { Value = "-99" } : r)
            .ToList();
        Assert.That(AbiComparer.Compare(typeof(NativeMethods).Assembly, records),
            Has.One.Contains("TP_ERR_IO").And.Contains("C value -99"));
    }

    [Test]
    public void A_binding_the_probe_does_not_know_is_reported()
    {
        List<AbiRecord> records = ProbeRecords().Where(r => r.Member != "TP_ERR_MAGIC").ToList();
        Assert.That(AbiComparer.Compare(typeof(NativeMethods).Assembly, records),
            Has.One.Contains("ErrMagic").And.Contains("not in the probe output"));
    }

    [Test]
    public void A_c_declaration_missing_from_the_bindings_is_reported()
    {
        List<AbiRecord> records = ProbeRecords();
        records.Add(new AbiRecord("struct", "tp_invented_t", "", "8"));
        records.Add(new AbiRecord("const", "", "TP_INVENTED", "1"));
        List<string> problems = AbiComparer.Compare(typeof(NativeMethods).Assembly, records);
        Assert.That(problems, Has.One.Contains("struct tp_invented_t: no C# struct"));
        Assert.That(problems, Has.One.Contains("const TP_INVENTED: no C# constant"));
    }

    [Test]
    public void Probe_source_in_the_repository_is_what_the_build_compiled()
    {
        // The probe binary is built from native/abi/abi_probe.c; a probe older than its source means a stale build.
        string source = Path.Combine(RepoPaths.Root, "native", "abi", "abi_probe.c");
        Assert.That(File.GetLastWriteTimeUtc(NativeBuild.RequireAbiProbe()), Is.GreaterThanOrEqualTo(File.GetLastWriteTimeUtc(source)),
            "tp_abi_probe is older than native/abi/abi_probe.c: rebuild with ./build.sh");
    }
}
