using System.Runtime.InteropServices;
using TensorPool.Aeron.Native.Internal;

namespace TensorPool.Transport.Aeron.Internal;

/// <summary>
/// Addresses of libaeron functions passed to Aeron as callbacks (the generated bindings call functions; a poll needs
/// the assembler's handler as a function pointer).
/// </summary>
internal static unsafe class AeronExports
{
    private static nint _controlledAssemblerHandler;

    /// <summary><c>aeron_controlled_fragment_assembler_handler</c>, to poll through a controlled fragment assembler.</summary>
    public static delegate* unmanaged[Cdecl]<void*, byte*, nuint, AeronHeader*, AeronControlledFragmentHandlerAction> ControlledAssemblerHandler
    {
        get
        {
            nint address = Volatile.Read(ref _controlledAssemblerHandler);
            if (address == 0)
            {
                address = NativeLibrary.GetExport(AeronLibrary.ClientHandle, "aeron_controlled_fragment_assembler_handler");
                Volatile.Write(ref _controlledAssemblerHandler, address);
            }
            return (delegate* unmanaged[Cdecl]<void*, byte*, nuint, AeronHeader*, AeronControlledFragmentHandlerAction>)address;
        }
    }
}
