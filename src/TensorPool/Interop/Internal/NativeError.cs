using System.ComponentModel;
using TensorPool.Native.Internal;

namespace TensorPool.Interop.Internal;

/// <summary>
/// The one place that turns a failed libtensorpool call (a negative code plus the calling thread's
/// <c>tp_errmsg()</c>) into a typed exception, as LibGit2Sharp's <c>Ensure</c> does. Call it on the thread that made
/// the failed call, before any other native call: the message is thread-local and the next failure replaces it.
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NativeError
{
    /// <summary>Returns <paramref name="result"/> when it is not negative, else throws the exception for it.</summary>
    public static int Check(int result, string operation) =>
        result >= 0 ? result : throw Create(result, operation);

    /// <summary>Returns <paramref name="result"/> when it is not negative, else throws the exception for it.</summary>
    public static long Check(long result, string operation) =>
        result >= 0 ? result : throw Create((int)result, operation);

    /// <summary>
    /// The exception for native result <paramref name="code"/>: <paramref name="operation"/> says what was being
    /// done (<c>"opening tp:ipc log /dev/shm/..."</c>), the native message says why it failed.
    /// </summary>
    public static TensorPoolException Create(int code, string operation)
    {
        // The thread's message belongs to this failure only if the library recorded this code last.
        string native = NativeMethods.tp_errcode() == code ? NativeMethods.tp_errmsg_string() ?? string.Empty : string.Empty;
        string name = NativeMethods.tp_log_errname_string(code) ?? "TP_ERR_UNKNOWN";
        string firstLine = native.Split('\n', 2)[0];
        string message = firstLine.Length > 0
            ? $"{operation}: {firstLine} [{name}]"
            : $"{operation}: failed with {name} ({code})";
        return Classify(code) switch
        {
            ErrorKind.Path => new TensorPoolPathException(message, code, name, native),
            ErrorKind.FileFormat => new TensorPoolFileFormatException(message, code, name, native),
            _ => new TensorPoolException(message, code, name, native),
        };
    }

    private enum ErrorKind
    {
        Other,
        Path,
        FileFormat,
    }

    private static ErrorKind Classify(int code) => code switch
    {
        (int)TpError.ErrPathNotAbsolute or (int)TpError.ErrPathNotContained or (int)TpError.ErrPathInvalid
            or (int)TpError.ErrNotRegularFile or (int)TpError.ErrSymlink or (int)TpError.ErrFileChanged
            or (int)TpError.ErrNotFound or (int)TpError.ErrExists or (int)TpError.ErrPermission
            or (int)TpError.ErrOwner => ErrorKind.Path,
        (int)TpError.ErrSize or (int)TpError.ErrMagic or (int)TpError.ErrLayoutVersion or (int)TpError.ErrNslots
            or (int)TpError.ErrStride or (int)TpError.ErrSlotBytes or (int)TpError.ErrRegionType
            or (int)TpError.ErrPoolId or (int)TpError.ErrEpoch or (int)TpError.ErrStreamId or (int)TpError.ErrMismatch
            or (int)TpLogError.ErrCapacity or (int)TpLogError.ErrMagic or (int)TpLogError.ErrVersion
            or (int)TpLogError.ErrFileSize or (int)TpLogError.ErrDescriptor
            or (int)TpLogError.ErrCapacityMismatch => ErrorKind.FileFormat,
        _ => ErrorKind.Other,
    };
}
