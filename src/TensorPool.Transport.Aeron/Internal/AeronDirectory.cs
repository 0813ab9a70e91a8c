using System.Buffers.Binary;
using System.Globalization;
using TensorPool.Aeron.Native.Internal;

namespace TensorPool.Transport.Aeron.Internal;

/// <summary>
/// The Aeron directory a client or embedded driver uses, and the checks made before Aeron reads it: Aeron would wait
/// for ever on some malformed CnC files (a truncated one passes its "still being created" test), and would open
/// another user's files. Facts from Aeron's CnC layout (aeron_cnc_file_descriptor.h): a 128-byte metadata block with
/// the version at 0 and the five buffer lengths at 4..24, then the buffers.
/// </summary>
internal static class AeronDirectory
{
    public const string CncFileName = "cnc.dat";

    /// <summary>The metadata block before the buffers (two cache lines).</summary>
    public const int CncMetadataLength = 128;

    /// <summary>The major of the CnC version this client speaks (AERON_CNC_VERSION 0.2.0).</summary>
    public const int CncVersionMajor = 0;

    /// <summary>Aeron's default directory for this user (<c>/dev/shm/aeron-&lt;user&gt;</c> on Linux).</summary>
    public static unsafe string DefaultPath()
    {
        byte* buffer = stackalloc byte[4096];
        int rc = NativeMethods.aeron_default_path(buffer, 4096);
        if (rc < 0)
        {
            throw AeronErrors.FromLast("finding Aeron's default directory");
        }
        return System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)buffer) ?? throw new AeronException("Aeron's default directory is not UTF-8");
    }

    /// <summary>
    /// Null when <paramref name="directory"/> may be used: absent (a driver will create it), or a directory of this user
    /// whose CnC file, if any, is absent, being created, or well formed. Otherwise why not.
    /// </summary>
    public static string? Check(string directory)
    {
        if (!Statx.TryGet(directory, out Statx.Info dir, out int errno))
        {
            return errno == 2 ? null : $"the Aeron directory {directory} cannot be read (errno {errno})";
        }
        if (!dir.IsDirectory)
        {
            return $"the Aeron directory {directory} is not a directory";
        }
        uint me = Statx.GetEffectiveUid();
        if (dir.Uid != me)
        {
            return $"the Aeron directory {directory} belongs to user id {dir.Uid}, not to this process (user id {me}); " +
                "use a directory of your own (aeron_dir / AERON_DIR)";
        }
        string cnc = Path.Combine(directory, CncFileName);
        if (!Statx.TryGet(cnc, out Statx.Info file, out errno))
        {
            return errno == 2 ? null : $"{cnc} cannot be read (errno {errno})";
        }
        if (!file.IsRegularFile)
        {
            return $"{cnc} is not a regular file";
        }
        if (file.Uid != me)
        {
            return $"{cnc} belongs to user id {file.Uid}, not to this process (user id {me})";
        }
        return CheckCnc(cnc, file.Size);
    }

    /// <summary>The CnC file's metadata against its size; null when well formed or still being created.</summary>
    internal static string? CheckCnc(string cnc, long size)
    {
        if (size == 0)
        {
            return null; // a driver is creating it
        }
        Span<byte> metadata = stackalloc byte[CncMetadataLength];
        try
        {
            using FileStream stream = new(cnc, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < CncMetadataLength)
            {
                return Garbage(cnc, $"{stream.Length} bytes, shorter than its {CncMetadataLength}-byte header");
            }
            stream.ReadExactly(metadata);
        }
        catch (IOException e)
        {
            return $"{cnc} cannot be read: {e.Message}";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"{cnc} cannot be read: {e.Message}";
        }
        int version = BinaryPrimitives.ReadInt32LittleEndian(metadata);
        if (version == 0)
        {
            return null; // written last by the driver: still being created
        }
        if ((version >> 16) != CncVersionMajor)
        {
            return Garbage(cnc, string.Create(CultureInfo.InvariantCulture,
                $"its version {version >> 16}.{(version >> 8) & 0xFF}.{version & 0xFF} is not {CncVersionMajor}.x"));
        }
        long total = CncMetadataLength;
        for (int i = 0; i < 5; i++)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(metadata[(4 + (4 * i))..]);
            if (length < 0)
            {
                return Garbage(cnc, $"buffer length {length} is negative");
            }
            total += length;
        }
        if (total > size)
        {
            return Garbage(cnc, $"its buffers need {total} bytes but the file has {size}");
        }
        return null;
    }

    private static string Garbage(string cnc, string why) =>
        $"{cnc} is not a CnC file an Aeron media driver wrote ({why}); stop whatever wrote it or remove the directory";
}
