namespace TensorPool.Driver.Configuration;

/// <summary>
/// <c>shm.permissions_mode</c>: the octal mode of region files (§17, wire §15.21a.6) and the directory mode that goes
/// with it. A class that may read a file gets r-x on the directories above it, one that may write gets rwx, and a
/// group-accessible tree is setgid so files inherit the directory's group (docs/DECISIONS.md).
/// </summary>
internal static class PermissionsMode
{
    // C# has no octal literals: the POSIX bits, spelled out.
    private const uint OwnerRwx = 0x1C0;   // 0700
    private const uint OwnerRw = 0x180;    // 0600
    private const uint AllRwx = 0x1FF;     // 0777
    private const uint AnyExecute = 0x49;  // 0111
    private const uint GroupRwx = 0x38;    // 0070
    private const uint SetGid = 0x400;     // 02000

    public static bool TryParse(string text, out uint fileMode, out uint dirMode, out string error)
    {
        fileMode = 0;
        dirMode = 0;
        if (text.Length is < 3 or > 4 || !text.All(c => c is >= '0' and <= '7'))
        {
            error = "must be 3 or 4 octal digits, e.g. \"660\" or \"0600\"";
            return false;
        }
        uint mode = Convert.ToUInt32(text, 8);
        if (mode > AllRwx)
        {
            error = "must not set setuid, setgid or sticky bits (at most 0777)";
            return false;
        }
        if ((mode & OwnerRw) != OwnerRw)
        {
            error = "must give the owner read and write (the driver writes the superblocks)";
            return false;
        }
        if ((mode & AnyExecute) != 0)
        {
            error = "must not set execute bits on shared-memory files";
            return false;
        }
        fileMode = mode;
        dirMode = OwnerRwx | ClassDirBits(mode, 3) | ClassDirBits(mode, 0);
        if ((mode & GroupRwx) != 0)
        {
            dirMode |= SetGid;
        }
        error = "";
        return true;
    }

    /// <summary>rwx for a class that may write, r-x for one that may only read, nothing otherwise.</summary>
    private static uint ClassDirBits(uint mode, int shift)
    {
        uint bits = (mode >> shift) & 7;
        uint dir = (bits & 2) != 0 ? 7u : (bits & 4) != 0 ? 5u : 0u;
        return dir << shift;
    }
}
