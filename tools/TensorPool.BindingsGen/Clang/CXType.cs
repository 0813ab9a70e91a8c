using System.Runtime.InteropServices;

namespace TensorPool.BindingsGen.Clang;

/// <summary>libclang's <c>CXType</c>, passed by value (24 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXType
{
    public CXTypeKind Kind;
    public void* Data0;
    public void* Data1;
}
