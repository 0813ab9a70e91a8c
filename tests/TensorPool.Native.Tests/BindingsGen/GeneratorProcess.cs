using TensorPool.Testing;

namespace TensorPool.Native.Tests.BindingsGen;

/// <summary>Runs the built generator (tools/TensorPool.BindingsGen) as ./build.sh bindings does.</summary>
internal static class GeneratorProcess
{
    /// <summary>The generator's own output (it carries libclang.so beside it), else the copy beside the tests.</summary>
    public static string DllPath
    {
        get
        {
            string built = Path.Combine(RepoPaths.Root, "tools", "TensorPool.BindingsGen", "bin", RepoPaths.Configuration,
                "net10.0", "linux-x64", "TensorPool.BindingsGen.dll");
            if (File.Exists(built))
            {
                return built;
            }
            string beside = Path.Combine(AppContext.BaseDirectory, "TensorPool.BindingsGen.dll");
            Assert.That(File.Exists(beside), Is.True, $"TensorPool.BindingsGen is not built ({built}); build the solution first");
            return beside;
        }
    }

    public static NativeProcess.Outcome Run(params string[] arguments) => NativeProcess.Run("dotnet", [DllPath, .. arguments]);
}
