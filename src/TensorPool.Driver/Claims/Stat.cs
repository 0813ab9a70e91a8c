using System.Runtime.InteropServices;

namespace TensorPool.Driver.Claims;

/// <summary>Owner and access checks .NET does not offer (the start-up checks ask them without creating anything).</summary>
internal static partial class Stat
{
    public const int WriteOk = 2;
    public const int ExecuteOk = 1;

    public static uint EffectiveUid => GetEuid();

    /// <summary>The owner's uid of <paramref name="path"/> (not following a final symlink), or null when it cannot be read.</summary>
    public static uint? OwnerOf(string path)
    {
        // statx(2): struct statx is the same on every architecture; stx_uid sits at offset 20.
        Span<byte> buffer = stackalloc byte[256];
        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxUid = 0x8;
        int rc = Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, ref MemoryMarshal.GetReference(buffer));
        return rc == 0 ? BitConverter.ToUInt32(buffer[20..]) : null;
    }

    /// <summary>access(2) with the effective ids (eaccess): may this user do <paramref name="mode"/> on <paramref name="path"/>?</summary>
    public static bool Access(string path, int mode) => EAccess(path, mode) == 0;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "eaccess", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int EAccess(string path, int mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, ref byte buffer);
}
