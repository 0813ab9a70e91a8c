using System.Runtime.InteropServices;

namespace TensorPool.Cli.Shm;

/// <summary>
/// A file mapped read-only and shared, opened the way wire spec §15.21a.5 step 6 asks of a consumer: the last
/// path component is never followed (a symlink is refused), the open never blocks (O_NONBLOCK: a FIFO swapped
/// in cannot hang us), and only a regular file is mapped, judged on the descriptor that was opened (no race
/// between a check and the open). The mapping is shared so a live region shows what its producer writes; the
/// descriptor stays open with it so holes of a sparse file can be skipped.
/// </summary>
/// <remarks>
/// Like every mapper of a region, a reader of the mapping gets SIGBUS if another process truncates the file
/// while it is being read; producers never do (regions keep their size for their epoch, §15.14).
/// </remarks>
internal sealed unsafe class MappedFile : IDisposable
{
    private int _fd;

    private MappedFile(string path, int fd, byte* address, ulong length)
    {
        Path = path;
        _fd = fd;
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
            // The descriptor stays open for NextDataOffset (holes of a sparse file).
            file = new MappedFile(path, fd, (byte*)address, st.Size);
            error = "";
            return true;
        }
        finally
        {
            if (file is null)
            {
                _ = Posix.Close(fd);
            }
        }
    }

    /// <summary>
    /// The next stretch of the file that may hold data, at or after <paramref name="offset"/> (SEEK_DATA, then
    /// SEEK_HOLE): every byte before <c>Start</c> lies in a hole of a sparse file and reads as zero. Start is
    /// <see cref="Length"/> when only holes follow; when the file system cannot tell, the whole rest is data.
    /// Lets a huge sparse file be read in time proportional to its data.
    /// </summary>
    public (ulong Start, ulong End) DataFrom(ulong offset)
    {
        if (offset >= Length)
        {
            return (Length, Length);
        }
        long start = Posix.Lseek(_fd, (long)offset, Posix.SeekData);
        if (start < 0)
        {
            return Marshal.GetLastPInvokeError() == Posix.Enxio ? (Length, Length) : (offset, Length);
        }
        long end = Posix.Lseek(_fd, start, Posix.SeekHole);
        return ((ulong)start, end < 0 ? Length : Math.Min((ulong)end, Length));
    }

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
        if (_fd >= 0)
        {
            _ = Posix.Close(_fd);
            _fd = -1;
        }
    }
}
