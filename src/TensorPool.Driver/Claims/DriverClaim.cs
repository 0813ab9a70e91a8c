using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace TensorPool.Driver.Claims;

/// <summary>
/// An exclusive claim a running driver holds on a file (its namespace, its control endpoint; D170): an advisory
/// <c>flock</c> taken without waiting, so the kernel releases it when the driver dies, however it dies, and the next
/// driver takes the claim over. The file records who holds it (pid, instance id, start time) so a refused driver can
/// name the running one. Removed when the claim is released.
/// </summary>
internal sealed class DriverClaim : IDisposable
{
    private readonly SafeFileHandle _handle;
    private int _released;

    private DriverClaim(string path, SafeFileHandle handle, int previousHolderPid)
    {
        Path = path;
        _handle = handle;
        PreviousHolderPid = previousHolderPid;
    }

    public string Path { get; }

    /// <summary>
    /// The pid a dead driver left in the claim file, 0 when the file was new. A driver that stops cleanly removes its
    /// claim, so a recorded holder means the previous driver died (and left its epochs behind; D176).
    /// </summary>
    public int PreviousHolderPid { get; }

    /// <summary>
    /// Claim <paramref name="path"/> (its directory exists) for this process; <paramref name="what"/> says what the
    /// claim protects, for the error ("namespace /dev/shm/tensorpool-me/default").
    /// </summary>
    /// <exception cref="DriverAlreadyRunningException">A live driver holds the claim.</exception>
    /// <exception cref="TensorPoolException">The claim file cannot be created or written.</exception>
    public static DriverClaim Acquire(string path, string what, string instanceId, uint fileMode)
    {
        // A claim file replaced between our open and our lock (its holder released and removed it) is a stale
        // inode nobody else will lock: look again until the locked file is the one at the path.
        for (int attempt = 0; ; attempt++)
        {
            int fd = ClaimLibC.Open(path, ClaimLibC.ORdWr | ClaimLibC.OCreat | ClaimLibC.ONoFollow | ClaimLibC.OCloExec, fileMode);
            if (fd < 0)
            {
                throw new TensorPoolException($"cannot open the driver claim {path}: {Marshal.GetLastPInvokeErrorMessage()}");
            }
            var handle = new SafeFileHandle(fd, ownsHandle: true);
            if (ClaimLibC.Flock(fd, ClaimLibC.LockEx | ClaimLibC.LockNb) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                string holder = ReadHolder(handle);
                handle.Dispose();
                if (errno != ClaimLibC.EWouldBlock)
                {
                    throw new TensorPoolException($"cannot lock the driver claim {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
                throw Held(path, what, holder);
            }
            if (!SameFile(handle, path))
            {
                handle.Dispose();
                if (attempt >= 8)
                {
                    throw new TensorPoolException($"the driver claim {path} keeps being replaced");
                }
                continue;
            }
            _ = ClaimLibC.Fchmod(fd, fileMode);
            int previous = ParseHolder(ReadHolder(handle)).Pid;
            WriteHolder(handle, instanceId);
            return new DriverClaim(path, handle, previous == Environment.ProcessId ? 0 : previous);
        }
    }

    /// <summary>Refuse when a live driver holds the existing claim file <paramref name="path"/>; takes nothing.</summary>
    /// <exception cref="DriverAlreadyRunningException">The claim is held.</exception>
    public static void Probe(string path, string what)
    {
        int fd = ClaimLibC.Open(path, ClaimLibC.ORdWr | ClaimLibC.ONoFollow | ClaimLibC.OCloExec, 0);
        if (fd < 0)
        {
            return; // gone (or unreadable): start-up creates its own and reports what it finds then
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        // A shared lock: enough to see an exclusive holder, and released when the handle closes.
        if (ClaimLibC.Flock(fd, ClaimLibC.LockSh | ClaimLibC.LockNb) != 0 && Marshal.GetLastPInvokeError() == ClaimLibC.EWouldBlock)
        {
            throw Held(path, what, ReadHolder(handle));
        }
    }

    private static DriverAlreadyRunningException Held(string path, string what, string holder)
    {
        (int pid, string instance) = ParseHolder(holder);
        string who = pid > 0 ? $"pid {pid.ToString(CultureInfo.InvariantCulture)}, instance '{instance}'" : "a process that has not written its claim yet";
        return new DriverAlreadyRunningException(
            $"another driver ({who}) already serves {what} (claim {path}); stop it first, or give this driver another namespace or control stream",
            path, pid, instance);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        // Remove first, then unlock: a driver that opened the old file meanwhile sees it replaced and looks again.
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        _handle.Dispose();
    }

    /// <summary>Is the locked file still linked at its path? A released claim is removed before it is unlocked.</summary>
    private static bool SameFile(SafeFileHandle handle, string path)
    {
        try
        {
            // The kernel names an unlinked file's descriptor "<path> (deleted)"; a file of that path re-created
            // since is another inode.
            string fd = handle.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture);
            string target = new FileInfo("/proc/self/fd/" + fd).LinkTarget ?? "";
            return target.Length > 0 && !target.EndsWith(" (deleted)", StringComparison.Ordinal) && File.Exists(path);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void WriteHolder(SafeFileHandle handle, string instanceId)
    {
        string text = string.Create(CultureInfo.InvariantCulture,
            $"pid={Environment.ProcessId}\ninstance={instanceId.ReplaceLineEndings(" ")}\nstarted={DateTimeOffset.UtcNow:O}\n");
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        RandomAccess.SetLength(handle, 0);
        RandomAccess.Write(handle, bytes, 0);
    }

    private static string ReadHolder(SafeFileHandle handle)
    {
        try
        {
            var buffer = new byte[512];
            int n = RandomAccess.Read(handle, buffer, 0);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static (int Pid, string Instance) ParseHolder(string text)
    {
        int pid = 0;
        string instance = "";
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("pid=", StringComparison.Ordinal))
            {
                _ = int.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out pid);
            }
            else if (line.StartsWith("instance=", StringComparison.Ordinal))
            {
                instance = line[9..];
            }
        }
        return (pid, instance);
    }
}
