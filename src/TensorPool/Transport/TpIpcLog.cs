using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Transport;

/// <summary>
/// One open tp:ipc log file, shared by every publication and subscription of its stream in this transport. The
/// transport counts its users and disposes it with the last one; the native object lives on while any native
/// publication or subscription still holds it (<see cref="LogChildHandle{T}"/>).
/// </summary>
internal sealed unsafe class TpIpcLog : IDisposable
{
    private TpIpcLog(LogHandle handle, string path)
    {
        Handle = handle;
        Path = path;
        using NativeHandleLease<TpLog> lease = handle.Lease();
        Capacity = (long)NativeMethods.tp_log_capacity(lease.Pointer);
        MaxMessageLength = NativeMethods.tp_log_max_message_length(lease.Pointer);
    }

    public LogHandle Handle { get; }

    public string Path { get; }

    public long Capacity { get; }

    public int MaxMessageLength { get; }

    /// <summary>Publications and subscriptions of the owning transport on this log.</summary>
    public int Users { get; set; }

    /// <summary>
    /// Open (creating when absent) the log at <paramref name="path"/> after the checks of wire spec §15.21a: its
    /// directories below the base dir are created or verified without following a symlink and must belong to this user
    /// (<c>tp_region_create_parent_dirs</c>), and the path must resolve inside the base dir (the path policy; a
    /// symlink pointing outside is refused). <c>tp_log_open</c> then refuses a symlink, a non-regular file and a file
    /// whose descriptor, size or capacity is wrong. Failures throw a <see cref="TensorPoolException"/> subclass.
    /// </summary>
    public static TpIpcLog Open(string path, string baseDir, PathPolicyHandle policy, long capacity)
    {
        string context = $"opening tp:ipc log {path}";
        NativeError.Check(
            NativeMethods.tp_region_create_parent_dirs(baseDir, path, (uint)TpRegionConstants.ShmDirModePrivate), context);
        CheckContained(path, policy, context);
        TpLog* raw;
        NativeError.Check(NativeMethods.tp_log_open(&raw, path, (ulong)capacity), context);
        var handle = new LogHandle();
        handle.Adopt(raw);
        try
        {
            return new TpIpcLog(handle, path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The path (or, before the file exists, its directory) must resolve inside the base dir (§15.21a.5).</summary>
    private static void CheckContained(string path, PathPolicyHandle policy, string context)
    {
        byte* canonical = stackalloc byte[TpUriConstants.ShmPathMax];
        using NativeHandleLease<TpPathPolicy> lease = policy.Lease();
        int rc = NativeMethods.tp_path_policy_check(lease.Pointer, path, canonical, TpUriConstants.ShmPathMax);
        if (rc == (int)TpError.ErrNotFound)
        {
            string directory = System.IO.Path.GetDirectoryName(path)!;
            rc = NativeMethods.tp_path_policy_check(lease.Pointer, directory, canonical, TpUriConstants.ShmPathMax);
        }
        NativeError.Check(rc, context);
    }

    public void Dispose() => Handle.Dispose();

    /// <summary>The file's tail position (where the next record will be claimed).</summary>
    public long TailPosition
    {
        get
        {
            using NativeHandleLease<TpLog> lease = Handle.Lease();
            return NativeMethods.tp_log_tail_position(lease.Pointer);
        }
    }

    /// <summary>Wake every thread of every process sleeping in a wait on this log (they re-check and carry on).</summary>
    public void WakeWaiters()
    {
        bool added = false;
        try
        {
            Handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return; // nobody can be waiting on a closed log in this process
        }
        try
        {
            NativeError.Check(NativeMethods.tp_log_wake_waiters((TpLog*)Handle.DangerousGetHandle()), $"waking waiters of {Path}");
        }
        finally
        {
            Handle.DangerousRelease();
        }
    }

    public override string ToString() => Path;
}
