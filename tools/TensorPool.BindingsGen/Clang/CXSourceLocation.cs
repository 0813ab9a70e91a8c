using System.Runtime.InteropServices;

namespace TensorPool.BindingsGen.Clang;

/// <summary>libclang's <c>CXSourceLocation</c>, passed by value (24 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXSourceLocation
{
    public void* PtrData0;
    public void* PtrData1;
    public uint IntData;
}
