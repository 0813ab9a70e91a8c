using System.Runtime.InteropServices;

namespace TensorPool.BindingsGen.Clang;

/// <summary>libclang's <c>CXUnsavedFile</c>: an in-memory source file.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXUnsavedFile
{
    public byte* Filename;
    public byte* Contents;
    public nuint Length;
}
