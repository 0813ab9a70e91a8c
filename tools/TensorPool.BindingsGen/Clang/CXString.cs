using System.Runtime.InteropServices;

namespace TensorPool.BindingsGen.Clang;

/// <summary>libclang's <c>CXString</c>; read with <see cref="LibClang.Take"/>, which also disposes it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXString
{
    public void* Data;
    public uint PrivateFlags;
}
