using System.Runtime.InteropServices;

namespace TensorPool.Cli.Shm;

/// <summary>
/// A file mapped read-only and shared, opened the way wire spec §15.21a.5 step 6 asks of a consumer: the last
/// path component is never followed (a symlink is refused), the open never blocks (O_NONBLOCK: a FIFO swapped
/// in cannot hang us), and only a regular file is mapped, judged on the descriptor that was opened (no race
/// between a check and the open). The mapping is shared so a live region shows what its producer writes.
/// </summary>
/// <remarks>
/// Like every mapper of a region, a reader of the mapping gets SIGBUS if another process truncates the file
/// while it is being read; producers never do (regions keep their size for their epoch, §15.14).
/// </remarks>
internal sealed unsafe class MappedFile : IDisposable
{
    private MappedFile(string path, byte* address, ulong length)
    {
        Path = path;
        Base = address;
        Length = length;
    }

    ~MappedFile() => Unmap();

    public string Path { get; }

    /// <summary>The first byte of the mapping (the superblock of a region).</summary>
    public byte* Base { get; private set; }

    /// <summary>The file's size when it was opened: every byte in [0, Length) is mapped.</summary>
    public ulong Length { get; }

    /// <summary>Opens and maps <paramref name="path"/>, or says in a few words why it cannot (for a one-line diagnosis).</summary>
    public static bool TryOpen(string path, out MappedFile? file, out string error)
    {
        file = null;
        if (RuntimeInformation.OSArchitecture != Architecture.X64 || !OperatingSystem.IsLinux())
        {
            error = "tp shm inspect runs on Linux x64 only";
            return false;
        }
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            error = "not a valid path";
            return false;
        }
        int fd = Posix.Open(path, Posix.ORdOnly | Posix.ONoFollow | Posix.ONonBlock | Posix.OCloExec | Posix.ONoCtty);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            error = errno == Posix.Eloop
                ? "a symlink; symlinks are never followed (inspect the file it points to)"
                : Posix.ErrorText(errno);
            return false;
        }
        try
        {
            Posix.Statx st;
            if (Posix.StatxCall(fd, "", Posix.AtEmptyPath, Posix.StatxType | Posix.StatxSize, &st) != 0)
            {
                error = "statx: " + Posix.ErrorText(Marshal.GetLastPInvokeError());
                return false;
            }
            if ((st.Mode & Posix.SIfMt) != Posix.SIfReg)
            {
                error = $"{Posix.FileTypeName(st.Mode)}, not a regular file (§15.21a.5)";
                return false;
            }
            if (st.Size == 0)
            {
                error = "empty file";
                return false;
            }
            void* address = Posix.Mmap(null, (nuint)st.Size, Posix.ProtRead, Posix.MapShared, fd, 0);
            if (address == (void*)-1)
            {
                error = "mmap: " + Posix.ErrorText(Marshal.GetLastPInvokeError());
                return false;
            }
            file = new MappedFile(path, (byte*)address, st.Size);
            error = "";
            return true;
        }
        finally
        {
            // The mapping outlives the descriptor.
            _ = Posix.Close(fd);
        }
    }

    /// <summary>The mapped bytes [offset, offset + length), which the caller has checked lie inside the file.</summary>
    public ReadOnlySpan<byte> Span(ulong offset, int length) => new(Base + offset, length);

    public void Dispose()
    {
        Unmap();
        GC.SuppressFinalize(this);
    }

    private void Unmap()
    {
        if (Base != null)
        {
            _ = Posix.Munmap(Base, (nuint)Length);
            Base = null;
        }
    }
}
