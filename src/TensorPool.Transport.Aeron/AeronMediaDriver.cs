using TensorPool.Aeron.Native.Internal;
using TensorPool.Aeron.Native.Internal.Driver;
using TensorPool.Transport.Aeron.Internal;
using DriverMethods = TensorPool.Aeron.Native.Internal.Driver.NativeMethods;

namespace TensorPool.Transport.Aeron;

/// <summary>
/// An Aeron media driver running inside this process (libaeron_driver), on its own threads, for deployments without
/// a separate <c>aeronmd</c>. It refuses to start on a directory whose driver is alive; a stale directory is replaced.
/// </summary>
public sealed unsafe class AeronMediaDriver : IDisposable
{
    private AeronDriverContext* _context;
    private AeronDriver* _driver;

    /// <summary>Start a driver on <paramref name="directory"/>.</summary>
    /// <exception cref="DllNotFoundException">libaeron_driver was not found.</exception>
    /// <exception cref="AeronException">The driver could not start (another driver is alive on the directory, ...).</exception>
    public AeronMediaDriver(string directory, AeronMediaDriverOptions options, TimeSpan driverTimeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        LibraryLoadedFrom = AeronLibrary.LoadDriver(options.LibraryPath);
        Directory = directory;
        AeronDriverContext* context;
        if (DriverMethods.aeron_driver_context_init(&context) < 0)
        {
            throw Failed("creating the media driver's context");
        }
        AeronDriver* driver = null;
        try
        {
            Check(DriverMethods.aeron_driver_context_set_dir(context, directory), "setting the media driver's directory");
            Check(DriverMethods.aeron_driver_context_set_threading_mode(context,
                options.SharedThread ? AeronThreadingMode.Shared : AeronThreadingMode.Dedicated), "setting the threading mode");
            Check(DriverMethods.aeron_driver_context_set_driver_timeout_ms(context, (ulong)driverTimeout.TotalMilliseconds),
                "setting the driver timeout");
            if (options.IpcTermLength is int term)
            {
                Check(DriverMethods.aeron_driver_context_set_ipc_term_buffer_length(context, (nuint)term), "setting the IPC term length");
            }
            if (options.ClientLivenessTimeout is TimeSpan liveness)
            {
                Check(DriverMethods.aeron_driver_context_set_client_liveness_timeout_ns(context, (ulong)liveness.TotalNanoseconds),
                    "setting the client liveness timeout");
            }
            if (DriverMethods.aeron_driver_init(&driver, context) < 0)
            {
                throw Failed($"starting a media driver in {directory}");
            }
            // Only now: closing the context of a driver that did not start must not remove the directory of the live
            // driver that stopped it.
            Check(DriverMethods.aeron_driver_context_set_dir_delete_on_shutdown(context, options.DeleteDirectoryOnShutdown ? (byte)1 : (byte)0),
                "setting delete on shutdown");
            Check(DriverMethods.aeron_driver_start(driver, 0), "starting the media driver's threads");
        }
        catch
        {
            if (driver != null)
            {
                _ = DriverMethods.aeron_driver_close(driver);
            }
            _ = DriverMethods.aeron_driver_context_close(context);
            throw;
        }
        _context = context;
        _driver = driver;
    }

    /// <summary>The Aeron directory the driver serves.</summary>
    public string Directory { get; }

    /// <summary>Where libaeron_driver was loaded from.</summary>
    public string LibraryLoadedFrom { get; }

    private static void Check(int rc, string what)
    {
        if (rc < 0)
        {
            throw Failed(what);
        }
    }

    // libaeron_driver keeps its own error state (its copy of Aeron's utilities), read through its own aeron_errmsg.
    private static AeronException Failed(string what)
    {
        int code = DriverMethods.aeron_errcode();
        string message = (DriverMethods.aeron_errmsg_string() ?? string.Empty).Trim();
        return AeronErrors.Create(what, code, message);
    }

    /// <summary>Stop the driver's threads and close it (removing its directory unless told not to).</summary>
    public void Dispose()
    {
        if (_driver != null)
        {
            _ = DriverMethods.aeron_driver_close(_driver);
            _driver = null;
        }
        if (_context != null)
        {
            _ = DriverMethods.aeron_driver_context_close(_context);
            _context = null;
        }
    }

    public override string ToString() => $"AeronMediaDriver({Directory})";
}
