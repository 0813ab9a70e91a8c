using System.Runtime.InteropServices;

namespace TensorPool.Transport.Aeron.Internal;

/// <summary>
/// The owner and type of a path through statx(2), whose <c>struct statx</c> has the same layout on every Linux
/// architecture (unlike <c>struct stat</c>). .NET has no API for a file's owner.
/// </summary>
internal static unsafe partial class Statx
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;
    private const uint StatxSize = 0x200;

    // struct statx: stx_mask u32 @0, stx_blksize u32 @4, stx_attributes u64 @8, stx_nlink u32 @16, stx_uid u32 @20,
    // stx_gid u32 @24, stx_mode u16 @28, stx_ino u64 @32, stx_size u64 @40, ...; 256 bytes in all.
    private const int UidOffset = 20;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;
    private const int StructSize = 256;

    public readonly record struct Info(uint Uid, uint Mode, long Size)
    {
        public bool IsDirectory => (Mode & 0xF000) == 0x4000;

        public bool IsRegularFile => (Mode & 0xF000) == 0x8000;

        public bool IsSymlink => (Mode & 0xF000) == 0xA000;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatxCall(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUid();

    /// <summary>The path's owner, mode and size without following a final symlink; false (and the errno) when it cannot be read.</summary>
    public static bool TryGet(string path, out Info info, out int errno)
    {
        byte* buffer = stackalloc byte[StructSize];
        new Span<byte>(buffer, StructSize).Clear();
        if (StatxCall(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxUid | StatxSize, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            info = default;
            return false;
        }
        errno = 0;
        info = new Info(*(uint*)(buffer + UidOffset), *(ushort*)(buffer + ModeOffset), (long)*(ulong*)(buffer + SizeOffset));
        return true;
    }
}
