namespace TensorPool.Testing;

/// <summary>
/// A private, uniquely named directory (mode 0700) removed on dispose. Under /dev/shm by default so
/// tests exercise the same tmpfs the product uses.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? parent = null, string prefix = "tp-test-")
    {
        parent ??= Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(parent, prefix + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

    public override string ToString() => Path;

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a child process may still hold a file open; the OS reclaims tmpfs at reboot.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
