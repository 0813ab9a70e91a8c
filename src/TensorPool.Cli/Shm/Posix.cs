using System.Runtime.InteropServices;

namespace TensorPool.Cli.Shm;

/// <summary>
/// The libc calls <see cref="MappedFile"/> needs and .NET does not offer: an open that never follows a symlink
/// and never blocks (a FIFO), the type of what was opened, and a read-only shared mapping. Linux x64 values.
/// </summary>
internal static unsafe partial class Posix
{
    public const int ORdOnly = 0;
    public const int ONoCtty = 0x100;       // O_NOCTTY: a terminal device never becomes ours
    public const int ONonBlock = 0x800;     // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer
    public const int ONoFollow = 0x20000;   // O_NOFOLLOW: a symlink as the last component fails with ELOOP
    public const int OCloExec = 0x80000;

    public const int AtEmptyPath = 0x1000;  // statx on the descriptor itself
    public const uint StatxType = 0x1;
    public const uint StatxSize = 0x200;
    public const uint StatxBlocks = 0x400;

    public const int ProtRead = 0x1;
    public const int MapShared = 0x1;

    public const int SeekData = 3;
    public const int SeekHole = 4;

    public const int Enoent = 2;
    public const int Eacces = 13;
    public const int Enotdir = 20;
    public const int Eloop = 40;
    public const int Enxio = 6;         // lseek SEEK_DATA: no data at or after the offset

    public const ushort SIfMt = 0xF000;
    public const ushort SIfReg = 0x8000;
    public const ushort SIfDir = 0x4000;
    public const ushort SIfIfo = 0x1000;
    public const ushort SIfSock = 0xC000;
    public const ushort SIfChr = 0x2000;
    public const ushort SIfBlk = 0x6000;
    public const ushort SIfLnk = 0xA000;

    /// <summary>struct statx: the same layout on every architecture (unlike struct stat).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(48)] public ulong Blocks;   // 512-byte blocks allocated (a sparse file's holes have none)
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatxCall(int dirfd, string path, int flags, uint mask, Statx* buffer);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    public static partial long Lseek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(void* address, nuint length);

    /// <summary>What a file type is called in a diagnosis.</summary>
    public static string FileTypeName(ushort mode) => (mode & SIfMt) switch
    {
        SIfDir => "a directory",
        SIfIfo => "a FIFO",
        SIfSock => "a socket",
        SIfChr => "a character device",
        SIfBlk => "a block device",
        SIfLnk => "a symlink",
        _ => "not a regular file",
    };

    /// <summary>errno as words: the common ones in the project's style, the rest as libc says them.</summary>
    public static string ErrorText(int errno) => errno switch
    {
        Enoent => "no such file",
        Eacces => "permission denied",
        Enotdir => "a component of the path is not a directory",
        _ => Marshal.GetPInvokeErrorMessage(errno),
    };
}
