using TensorPool.Native.Internal;

namespace TensorPool.TestHost.Scenarios;

/// <summary>Scenarios of the bindings area: the native library resolver in a fresh process.</summary>
public static class BindingsScenarios
{
    /// <summary>Loads libtensorpool (honouring TENSORPOOL_NATIVE_PATH) and prints its version and where it came from; exit 3 when it cannot be found.</summary>
    [Scenario("native-version")]
    public static int NativeVersion(string[] args)
    {
        try
        {
            Console.WriteLine("version " + NativeMethods.tp_version_string());
            Console.WriteLine("loaded-from " + NativeLibraryResolver.LoadedFrom);
            return 0;
        }
        catch (DllNotFoundException e)
        {
            Console.WriteLine("not-found");
            Console.Error.WriteLine(e.Message);
            return 3;
        }
    }
}
