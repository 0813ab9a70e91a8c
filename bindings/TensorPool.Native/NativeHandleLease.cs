using System.ComponentModel;

namespace TensorPool.Native.Internal;

/// <summary>
/// The pointer of a <see cref="NativeHandle{T}"/> borrowed for the duration of a <c>using</c> scope; the handle's
/// object cannot be closed until the lease is disposed. Allocation-free.
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly unsafe ref struct NativeHandleLease<T>
    where T : unmanaged
{
    private readonly NativeHandle<T> _owner;

    internal NativeHandleLease(NativeHandle<T> owner, T* pointer)
    {
        _owner = owner;
        Pointer = pointer;
    }

    public T* Pointer { get; }

    public void Dispose() => _owner?.DangerousRelease();
}
