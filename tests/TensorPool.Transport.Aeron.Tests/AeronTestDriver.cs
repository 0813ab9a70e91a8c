using TensorPool.Testing;
using TensorPool.Transport.Aeron;

namespace TensorPool.Transport.Aeron.Tests;

/// <summary>
/// A media driver for a fixture: embedded in the test process (libaeron_driver) on a fresh Aeron directory under
/// /dev/shm, removed afterwards. Skips the fixture when Aeron is absent.
/// </summary>
internal sealed class AeronTestDriver : IDisposable
{
    private readonly TempDirectory _parent;
    private readonly AeronMediaDriver _driver;

    public AeronTestDriver()
    {
        LibraryPath = AeronEnvironment.Require();
        _parent = new TempDirectory(prefix: "tp-aeron-");
        Directory = Path.Combine(_parent.Path, "aeron");
        TensorPool.Aeron.Native.Internal.AeronLibrary.LoadClient(LibraryPath);
        _driver = new AeronMediaDriver(Directory, new AeronMediaDriverOptions(), TimeSpan.FromSeconds(10));
    }

    public string LibraryPath { get; }

    public string Directory { get; }

    /// <summary>Options of a transport on this driver.</summary>
    public AeronTransportOptions Options(Action<Exception>? errors = null) => new()
    {
        AeronDir = Directory,
        LibraryPath = LibraryPath,
        ErrorHandler = errors ?? (e => TestContext.Progress.WriteLine("aeron: " + e.Message)),
    };

    public AeronTransport Transport(Action<Exception>? errors = null) => new(Options(errors));

    public void Dispose()
    {
        _driver.Dispose();
        _parent.Dispose();
    }
}
