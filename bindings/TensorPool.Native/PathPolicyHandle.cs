namespace TensorPool.Native;

/// <summary>Owns a path containment policy (<c>tp_path_policy_t</c>, wire spec §15.21a.5), freed by <c>tp_path_policy_close</c>.</summary>
internal sealed unsafe class PathPolicyHandle : NativeHandle<TpPathPolicy>
{
    protected override int Close(TpPathPolicy* pointer) => NativeMethods.tp_path_policy_close(pointer);
}
