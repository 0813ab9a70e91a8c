using System.Diagnostics;
using TensorPool.Aeron.Native.Internal;
using NativeAeron = TensorPool.Aeron.Native.Internal.Aeron;
using NativeSubscription = TensorPool.Aeron.Native.Internal.AeronSubscription;

namespace TensorPool.Transport.Aeron.Internal;

/// <summary>
/// One Aeron client (an <c>aeron_context_t</c> and its <c>aeron_t</c>) connected to the media driver of a directory.
/// A transport replaces its session when the driver went away and came back; the native objects of an old session stay
/// valid until it is disposed (Aeron only marks them closed).
/// </summary>
internal sealed unsafe class AeronClientSession : IDisposable
{
    private AeronContext* _context;
    private NativeAeron* _client;

    private AeronClientSession(AeronContext* context, NativeAeron* client, int generation)
    {
        _context = context;
        _client = client;
        Generation = generation;
    }

    /// <summary>1 for the first session of a transport, then one more per reconnection.</summary>
    public int Generation { get; }

    /// <summary>True once Aeron closed the client (driver or client timeout) or it was disposed.</summary>
    public bool IsClosed => _client == null || NativeMethods.aeron_is_closed(_client) != 0;

    /// <summary>
    /// Connect to the media driver of <paramref name="directory"/>, waiting at most the driver timeout for one. Errors of
    /// the client's conductor go to <see cref="Callbacks.OnClientError"/> with <paramref name="transportHandle"/>.
    /// </summary>
    /// <exception cref="AeronDriverUnavailableException">No driver answered within the timeout.</exception>
    /// <exception cref="AeronException">Aeron refused the settings or failed otherwise.</exception>
    public static AeronClientSession Connect(string directory, AeronTransportOptions options, nint transportHandle, int generation)
    {
        AeronContext* context;
        if (NativeMethods.aeron_context_init(&context) < 0)
        {
            throw AeronErrors.FromLast("creating an Aeron context");
        }
        NativeAeron* client = null;
        try
        {
            Check(NativeMethods.aeron_context_set_dir(context, directory), "setting the Aeron directory");
            Check(NativeMethods.aeron_context_set_driver_timeout_ms(context, (ulong)options.DriverTimeout.TotalMilliseconds),
                "setting the driver timeout");
            Check(NativeMethods.aeron_context_set_client_name(context, options.ClientName), "setting the client name");
            Check(NativeMethods.aeron_context_set_error_handler(context, &Callbacks.OnClientError, (void*)transportHandle),
                "setting the error handler");
            if (NativeMethods.aeron_init(&client, context) < 0)
            {
                (int code, string message) = AeronErrors.Last();
                if (code is AeroncConstants.ClientErrorDriverTimeout or AeroncConstants.ClientErrorClientTimeout)
                {
                    throw new AeronDriverUnavailableException(
                        $"no Aeron media driver is running in {directory} (waited {options.DriverTimeout.TotalSeconds:0.#} s: " +
                        $"{message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()}); " +
                        "start aeronmd with AERON_DIR set to it, or use the embedded media driver (embedded_media_driver = true)",
                        code, message);
                }
                throw AeronErrors.Create($"connecting to the Aeron media driver in {directory}", code, message);
            }
            Check(NativeMethods.aeron_start(client), "starting the Aeron client");
            return new AeronClientSession(context, client, generation);
        }
        catch
        {
            if (client != null)
            {
                _ = NativeMethods.aeron_close(client);
            }
            _ = NativeMethods.aeron_context_close(context);
            throw;
        }
    }

    /// <summary>Add an exclusive publication and wait (at most <paramref name="timeout"/>) for the driver to confirm it.</summary>
    public AeronExclusivePublication* AddPublication(string channel, int streamId, TimeSpan timeout)
    {
        AeronAsyncAddPublication* async;
        if (NativeMethods.aeron_async_add_exclusive_publication(&async, Client, channel, streamId) < 0)
        {
            throw AeronErrors.FromLast($"adding a publication on {channel} stream {streamId}");
        }
        AeronExclusivePublication* publication = null;
        long start = Stopwatch.GetTimestamp();
        while (Pending(NativeMethods.aeron_async_add_exclusive_publication_poll(&publication, async), start, timeout,
            $"adding a publication on {channel} stream {streamId}"))
        {
            Thread.Sleep(1);
        }
        return publication;
    }

    /// <summary>Add a subscription whose image callbacks carry <paramref name="clientd"/>, and wait for the driver.</summary>
    public NativeSubscription* AddSubscription(string channel, int streamId, nint clientd, TimeSpan timeout)
    {
        AeronAsyncAddPublication* async; // Aeron's one registering-resource type, whatever its typedef
        if (NativeMethods.aeron_async_add_subscription(&async, Client, channel, streamId,
            &Callbacks.OnAvailableImage, (void*)clientd, &Callbacks.OnUnavailableImage, (void*)clientd) < 0)
        {
            throw AeronErrors.FromLast($"adding a subscription on {channel} stream {streamId}");
        }
        NativeSubscription* subscription = null;
        long start = Stopwatch.GetTimestamp();
        while (Pending(NativeMethods.aeron_async_add_subscription_poll(&subscription, async), start, timeout,
            $"adding a subscription on {channel} stream {streamId}"))
        {
            Thread.Sleep(1);
        }
        return subscription;
    }

    private NativeAeron* Client => _client != null ? _client : throw new ObjectDisposedException(nameof(AeronClientSession));

    /// <summary>
    /// The result of polling an async add: true while pending, false when done; throws when it failed. The poll frees
    /// the async object once it is done or failed.
    /// </summary>
    private static bool Pending(int rc, long start, TimeSpan timeout, string what)
    {
        if (rc > 0)
        {
            return false;
        }
        if (rc < 0)
        {
            throw AeronErrors.FromLast(what);
        }
        if (Stopwatch.GetElapsedTime(start) > timeout + timeout)
        {
            // Aeron's own driver timeout fails the add first; this only guards against a conductor that stopped.
            throw new AeronDriverTimeoutException($"{what}: the media driver did not answer within {timeout.TotalSeconds:0.#} s");
        }
        return true;
    }

    private static void Check(int rc, string what)
    {
        if (rc < 0)
        {
            throw AeronErrors.FromLast(what);
        }
    }

    /// <summary>Close the client (every publication, subscription and image of it) and its context.</summary>
    public void Dispose()
    {
        if (_client != null)
        {
            _ = NativeMethods.aeron_close(_client);
            _client = null;
        }
        if (_context != null)
        {
            _ = NativeMethods.aeron_context_close(_context);
            _context = null;
        }
    }
}
