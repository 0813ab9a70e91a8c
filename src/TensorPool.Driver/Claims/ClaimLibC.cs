using System.Runtime.InteropServices;

namespace TensorPool.Driver.Claims;

/// <summary>The libc calls of a claim file that .NET does not offer: a no-follow open and <c>flock</c>.</summary>
internal static partial class ClaimLibC
{
    public const int ORdWr = 0x2;
    public const int OCreat = 0x40;
    public const int ONoFollow = 0x20000;
    public const int OCloExec = 0x80000;
    public const int LockSh = 1;
    public const int LockEx = 2;
    public const int LockNb = 4;
    public const int EWouldBlock = 11;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
