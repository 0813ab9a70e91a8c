using System.Diagnostics;
using TensorPool.Testing;

namespace TensorPool.Native.Tests;

/// <summary>How the bindings find libtensorpool.so, and what they say when they cannot.</summary>
public class NativeLibraryResolverTests
{
    private static string BuiltLibrary => Path.Combine(NativeBuild.Directory, "native", NativeLibraryResolver.FileName);

    [Test]
    public void Candidates_are_the_package_layout_then_the_folder_under_the_app_and_the_assembly()
    {
        Assert.That(NativeLibraryResolver.Candidates(null, "/app", "/lib/asm", "linux-x64"), Is.EqualTo(new[]
        {
            "/app/runtimes/linux-x64/native/libtensorpool.so",
            "/app/libtensorpool.so",
            "/lib/asm/runtimes/linux-x64/native/libtensorpool.so",
            "/lib/asm/libtensorpool.so",
        }));
        Assert.That(NativeLibraryResolver.Candidates(null, "/app", "/app", "linux-x64"), Has.Count.EqualTo(2), "no duplicates");
        Assert.That(NativeLibraryResolver.Candidates(null, "/app", null, "linux-x64"), Has.Count.EqualTo(2));
    }

    [Test]
    public void The_package_folder_probed_is_the_running_process_s_rid()
    {
        // An arm64 process (a Jetson) must find runtimes/linux-arm64, never the x64 build beside it.
        Assert.That(NativeLibraryResolver.Candidates(null, "/app", null, "linux-arm64")[0], Is.EqualTo("/app/runtimes/linux-arm64/native/libtensorpool.so"));
        string expected = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "linux-x64",
            System.Runtime.InteropServices.Architecture.Arm64 => "linux-arm64",
            var other => "linux-" + other.ToString().ToLowerInvariant(),
        };
        Assert.That(NativeLibraryResolver.RuntimeRid, Is.EqualTo(expected));
    }

    [Test]
    public void The_override_replaces_every_other_candidate_and_may_name_a_folder_or_a_file()
    {
        using var temp = new TempDirectory();
        Assert.That(NativeLibraryResolver.Candidates(temp.Path, "/app", "/asm", "linux-x64"), Is.EqualTo(new[] { Path.Combine(temp.Path, "libtensorpool.so") }));
        Assert.That(NativeLibraryResolver.Candidates("/opt/tp/libtensorpool.so.custom", "/app", "/asm", "linux-x64"), Is.EqualTo(new[] { "/opt/tp/libtensorpool.so.custom" }));
    }

    [Test]
    public void Failure_lists_every_place_looked_and_how_to_fix_it()
    {
        using var temp = new TempDirectory();
        bool probed = false;
        var e = Assert.Throws<DllNotFoundException>(() => NativeLibraryResolver.Load(null, temp.Path, null, "linux-arm64", () =>
        {
            probed = true;
            return 0;
        }))!;
        Assert.That(probed, Is.True);
        Assert.That(e.Message, Does.Contain(Path.Combine(temp.Path, "runtimes", "linux-arm64", "native", "libtensorpool.so") + ": no such file"));
        Assert.That(e.Message, Does.Contain(Path.Combine(temp.Path, "libtensorpool.so") + ": no such file"));
        Assert.That(e.Message, Does.Contain("default probing"));
        Assert.That(e.Message, Does.Contain("TENSORPOOL_NATIVE_PATH").And.Contain("./build.sh"));
    }

    [Test]
    public void A_failing_override_does_not_fall_back_to_other_places()
    {
        bool probed = false;
        var e = Assert.Throws<DllNotFoundException>(() => NativeLibraryResolver.Load("/nonexistent/tp/libtensorpool.so", AppContext.BaseDirectory, null, NativeLibraryResolver.RuntimeRid, () =>
        {
            probed = true;
            return 1;
        }))!;
        Assert.That(probed, Is.False);
        Assert.That(e.Message, Does.Contain("/nonexistent/tp/libtensorpool.so: no such file"));
    }

    [Test]
    public void A_file_that_exists_but_is_not_a_library_is_reported_as_such()
    {
        using var temp = new TempDirectory(Path.GetTempPath());
        string bogus = Path.Combine(temp.Path, "libtensorpool.so");
        File.WriteAllText(bogus, "not an ELF file");
        var e = Assert.Throws<DllNotFoundException>(() => NativeLibraryResolver.Load(temp.Path, "/app", null, NativeLibraryResolver.RuntimeRid, () => 0))!;
        Assert.That(e.Message, Does.Contain(bogus + ": ").And.Not.Contain(bogus + ": no such file"));
    }

    [Test]
    public void The_built_library_loads_from_an_override()
    {
        (nint handle, string from) = NativeLibraryResolver.Load(BuiltLibrary, "/app", null, NativeLibraryResolver.RuntimeRid, () => 0);
        Assert.That(handle, Is.Not.EqualTo((nint)0));
        Assert.That(from, Is.EqualTo(BuiltLibrary));
    }

    [Test]
    public void The_module_initializer_registered_the_resolver_and_it_found_the_packaged_library()
    {
        Assert.That(NativeMethods.tp_version_number(), Is.Not.Zero);
        Assert.That(NativeLibraryResolver.LoadedFrom,
            Is.EqualTo(Path.Combine(AppContext.BaseDirectory, "runtimes", NativeLibraryResolver.RuntimeRid, "native", "libtensorpool.so")));
    }

    [Test]
    public void In_a_fresh_process_the_environment_override_is_used()
    {
        using var temp = new TempDirectory(Path.GetTempPath(), "tp-native-path-");
        File.Copy(BuiltLibrary, Path.Combine(temp.Path, "libtensorpool.so"));
        NativeProcess.Outcome outcome = RunScenario(temp.Path);
        Assert.That(outcome.ExitCode, Is.Zero, outcome.ToString);
        Assert.That(outcome.StandardOutput, Does.Contain("version " + NativeBuild.VersionPrefix));
        Assert.That(outcome.StandardOutput, Does.Contain("loaded-from " + Path.Combine(temp.Path, "libtensorpool.so")));
    }

    [Test]
    public void In_a_fresh_process_a_wrong_override_fails_with_the_places_looked()
    {
        NativeProcess.Outcome outcome = RunScenario("/nonexistent/tensorpool-native");
        Assert.That(outcome.ExitCode, Is.EqualTo(3), outcome.ToString);
        Assert.That(outcome.StandardError, Does.Contain("/nonexistent/tensorpool-native: no such file").And.Contain("TENSORPOOL_NATIVE_PATH"));
    }

    private static NativeProcess.Outcome RunScenario(string nativePath) =>
        NativeProcess.Run("dotnet", [ChildProcess.TestHostPath, "native-version"],
            new Dictionary<string, string> { [NativeLibraryResolver.PathVariable] = nativePath });
}
