using System.Diagnostics;
using TensorPool.Testing;

namespace TensorPool.Examples.Tests;

/// <summary>Starts the examples, <c>tp</c> and the C example as real processes on a private shared-memory location.</summary>
internal sealed class Programs(TempDirectory shm)
{
    public const string Namespace = "examples-test";

    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The --shm-dir/--namespace pair every program here takes.</summary>
    public string[] Location => ["--shm-dir", shm.Path, "--namespace", Namespace];

    public ChildProcess Example(string name, params string[] args)
    {
        string dll = Path.Combine(RepoPaths.Root, "examples", name, "bin", RepoPaths.Configuration, "net10.0", name + ".dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll} is built by the solution build");
        return Dotnet(dll, [.. args, .. Location]);
    }

    public ChildProcess Tp(params string[] args) => Dotnet(Path.Combine(AppContext.BaseDirectory, "tp.dll"), [.. args, .. Location]);

    /// <summary>build/native/examples/c/validate_frames, built by the native build.</summary>
    public static ChildProcess ValidateFrames(params string[] args)
    {
        string exe = Path.Combine(RepoPaths.Root, "build", "native", "examples", "c", "validate_frames");
        Assert.That(File.Exists(exe), Is.True, $"{exe} is built by the native build (./build.sh)");
        var psi = new ProcessStartInfo(exe);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return ChildProcess.Start(psi);
    }

    private static ChildProcess Dotnet(string dll, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true };
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return ChildProcess.Start(psi);
    }
}
