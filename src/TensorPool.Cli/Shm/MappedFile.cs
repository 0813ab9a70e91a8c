using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>
/// A file mapped read-only and shared through the native core's file view (file_view.h), opened the way wire spec
/// §15.21a.5 step 6 asks of a consumer: the last path component is never followed (a symlink is refused), the open
/// never blocks (a FIFO swapped in cannot hang us), and only a regular file is mapped, judged on the descriptor that
/// was opened. Nothing about the layout is checked: the inspector opens what a validating map refuses, to say why.
/// </summary>
/// <remarks>
/// Like every mapper of a region, a reader of the mapping gets SIGBUS if another process truncates the file while it
/// is being read; producers never do (regions keep their size for their epoch, §15.14). <see cref="DataFrom"/> never
/// reports bytes past the file's current end, so the slots read are the ones still there.
/// </remarks>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly FileViewHandle _view;

    private MappedFile(string path, FileViewHandle view, byte* address, ulong length)
    {
        Path = path;
        _view = view;
        Base = address;
        Length = length;
    }

    public string Path { get; }

    /// <summary>The first byte of the mapping (the superblock of a region).</summary>
    public byte* Base { get; }

    /// <summary>The file's size when it was opened: every byte in [0, Length) is mapped.</summary>
    public ulong Length { get; }

    /// <summary>Opens and maps <paramref name="path"/>, or says in a few words why it cannot (for a one-line diagnosis).</summary>
    public static bool TryOpen(string path, out MappedFile? file, out string error) => TryOpen(path, out file, out error, out _);

    /// <summary>As <see cref="TryOpen(string, out MappedFile?, out string)"/>; <paramref name="missing"/> tells a file that is not there.</summary>
    public static bool TryOpen(string path, out MappedFile? file, out string error, out bool missing)
    {
        file = null;
        missing = false;
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            error = "not a valid path"; // a NUL would cut the path short on its way to the native open
            return false;
        }
        TpFileView* raw;
        int type;
        int rc = NativeMethods.tp_file_view_open(&raw, &type, path);
        if (rc < 0)
        {
            missing = rc == (int)TpError.ErrNotFound;
            error = Describe(rc, type);
            return false;
        }
        var view = new FileViewHandle();
        view.Adopt(raw);
        file = new MappedFile(path, view, NativeMethods.tp_file_view_base(raw), NativeMethods.tp_file_view_length(raw));
        error = "";
        return true;
    }

    /// <summary>A refused open in the inspector's words (the native message, for the rarer failures).</summary>
    private static string Describe(int rc, int type) => (TpError)rc switch
    {
        TpError.ErrNotFound => "no such file",
        TpError.ErrPermission => "permission denied",
        TpError.ErrSymlink => "a symlink; symlinks are never followed (inspect the file it points to)",
        TpError.ErrNotRegularFile => "a " + NativeMethods.tp_file_type_name_string(type) + ", not a regular file (§15.21a.5)",
        TpError.ErrSize => "empty file",
        _ => NativeFailure.Last(rc).Message,
    };

    /// <summary>
    /// The next stretch of the file that may hold data, at or after <paramref name="offset"/>: every byte before
    /// <c>Start</c> lies in a hole of a sparse file and reads as zero. Start is <see cref="Length"/> when only holes
    /// follow (or the file now ends before <paramref name="offset"/>). Lets a huge sparse file be read in time
    /// proportional to its data.
    /// </summary>
    public (ulong Start, ulong End) DataFrom(ulong offset)
    {
        TpFileExtent extent;
        using (NativeHandleLease<TpFileView> lease = _view.Lease())
        {
            _ = NativeMethods.tp_file_view_next_data(&extent, lease.Pointer, offset);
        }
        return (extent.Start, extent.End);
    }

    public void Dispose() => _view.Dispose();
}
