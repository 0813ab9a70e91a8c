using System.ComponentModel;

namespace TensorPool.Native.Internal;

/// <summary>Owns a path containment policy (<c>tp_path_policy_t</c>, wire spec §15.21a.5), freed by <c>tp_path_policy_close</c>.</summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class PathPolicyHandle : NativeHandle<TpPathPolicy>
{
    protected override int Close(TpPathPolicy* pointer) => NativeMethods.tp_path_policy_close(pointer);
}
