using System.Runtime.InteropServices;

namespace TensorPool.BindingsGen.Clang;

/// <summary>libclang's <c>CXSourceRange</c>, passed by value (24 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXSourceRange
{
    public void* PtrData0;
    public void* PtrData1;
    public uint BeginIntData;
    public uint EndIntData;
}
