using System.Globalization;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Driver.Shm;

/// <summary>
/// Epoch directories already on disk (§15.21a.7): the ones a stream has, who created each (the superblock's pid,
/// read through the native core's checked mapping, so a FIFO, symlink or garbage file is never trusted), and removal.
/// </summary>
internal static unsafe class EpochDirectory
{
    /// <summary>One epoch directory found on disk.</summary>
    internal readonly record struct Found(ulong Epoch, string Dir, DateTime LastWriteUtc);

    /// <summary>The decimal-named epoch directories of a stream (none when the stream directory does not exist).</summary>
    public static List<Found> List(ShmPolicy policy, uint streamId)
    {
        var found = new List<Found>();
        string streamDir = Path.Combine(ShmPaths.NamespaceDir(policy), streamId.ToString(CultureInfo.InvariantCulture));
        try
        {
            foreach (string dir in Directory.EnumerateDirectories(streamDir))
            {
                string name = Path.GetFileName(dir);
                var info = new DirectoryInfo(dir);
                if (name.Length is > 0 and <= 20 && name.All(char.IsAsciiDigit) && info.LinkTarget is null &&
                    ulong.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out ulong epoch))
                {
                    found.Add(new Found(epoch, dir, info.LastWriteTimeUtc));
                }
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            // Nothing there, or nothing we may look at: nothing to collect.
        }
        return found;
    }

    /// <summary>The decimal-named stream directories of the namespace (no symlink followed).</summary>
    public static List<uint> StreamIds(ShmPolicy policy)
    {
        var ids = new List<uint>();
        try
        {
            foreach (string dir in Directory.EnumerateDirectories(ShmPaths.NamespaceDir(policy)))
            {
                string name = Path.GetFileName(dir);
                if (name.Length is > 0 and <= 10 && name.All(char.IsAsciiDigit) && new DirectoryInfo(dir).LinkTarget is null &&
                    uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
                {
                    ids.Add(id);
                }
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            // Nothing there, or nothing we may look at.
        }
        return ids;
    }

    /// <summary>The highest epoch on disk for the stream, 0 when there is none.</summary>
    public static ulong HighestEpoch(ShmPolicy policy, uint streamId)
    {
        ulong max = 0;
        foreach (Found f in List(policy, streamId))
        {
            max = Math.Max(max, f.Epoch);
        }
        return max;
    }

    /// <summary>
    /// The pid in the header ring's superblock (the creating driver or producer), or null when the ring cannot be
    /// mapped and validated (missing, not a regular file, not a superblock).
    /// </summary>
    public static ulong? CreatorPid(PathPolicyHandle allowed, string epochDir)
    {
        string ring = Path.Combine(epochDir, "header.ring");
        TpRegion* raw;
        int rc;
        using (NativeHandleLease<TpPathPolicy> lease = allowed.Lease())
        {
            rc = NativeMethods.tp_region_map(&raw, lease.Pointer, ring, (int)TpRegionAccess.ReadOnly, 0, null);
        }
        if (rc < 0)
        {
            return null;
        }
        try
        {
            TpSuperblock sb;
            return NativeMethods.tp_superblock_read(&sb, NativeMethods.tp_region_base(raw), NativeMethods.tp_region_length(raw)) < 0
                ? null
                : sb.Pid;
        }
        finally
        {
            _ = NativeMethods.tp_region_close(raw);
        }
    }

    /// <summary>Whether a process with this pid runs on the host (Linux /proc); false for impossible pids.</summary>
    public static bool IsProcessAlive(ulong pid) =>
        pid is > 0 and <= int.MaxValue && Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>Unlink header.ring and the pools, then the directory; false with the core's reason when refused.</summary>
    public static bool Remove(string baseDir, string epochDir, out string? error)
    {
        int rc = NativeMethods.tp_region_remove_epoch_dir(baseDir, epochDir);
        if (rc < 0 && rc != (int)TpError.ErrNotFound)
        {
            error = NativeError.Create(rc, $"removing epoch directory {epochDir}").Message;
            return false;
        }
        error = null;
        return true;
    }
}
