using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using TensorPool.Aeron.Native.Internal;
using TensorPool.Transport.Aeron.Internal;
using NativeSubscription = TensorPool.Aeron.Native.Internal.AeronSubscription;

namespace TensorPool.Transport.Aeron;

/// <summary>
/// <c>aeron:ipc</c> and <c>aeron:udp</c> channels through the Aeron C client (libaeron, loaded at run time) and a media
/// driver: the user's <c>aeronmd</c>, or one embedded in this process (<see cref="AeronTransportOptions.EmbeddedMediaDriver"/>).
/// </summary>
/// <remarks>
/// <para>Creating the transport connects to the media driver of the Aeron directory, waiting at most
/// <see cref="AeronTransportOptions.DriverTimeout"/>: with none running it fails with
/// <see cref="AeronDriverUnavailableException"/>, never hangs. A directory of another user, or a CnC file no driver
/// wrote, is refused first (<see cref="AeronDirectoryException"/>).</para>
/// <para>When the driver goes away (Aeron reports a driver or client timeout, delivered to
/// <see cref="AeronTransportOptions.ErrorHandler"/> as <see cref="AeronDriverTimeoutException"/> or
/// <see cref="AeronClientTimeoutException"/>), offers return <see cref="PublicationStatus.NotConnected"/> and polls
/// deliver nothing; every <see cref="AeronTransportOptions.ReconnectInterval"/> the transport looks for a driver again,
/// and once one answers it re-creates every open publication and subscription on it (<see cref="Reconnects"/>).</para>
/// <para>Threads: adding and disposing publications and subscriptions is thread-safe; each is then used by one thread
/// at a time. Error and image handlers run on the transport's own thread, never on Aeron's.</para>
/// </remarks>
public sealed unsafe class AeronTransport : ITransport
{
    private readonly AeronTransportOptions _options;
    private readonly Lock _gate = new();
    private readonly HashSet<AeronPublication> _publications = [];
    private readonly HashSet<AeronSubscription> _subscriptions = [];
    private readonly List<(GCHandle Handle, nint Memory)> _retired = [];
    private readonly ConcurrentQueue<object> _events = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private readonly AeronMediaDriver? _mediaDriver;
    private GCHandle _self;
    private AeronClientSession _session;
    private int _faulted;
    private bool _outageReported;
    private long _reconnects;
    private volatile bool _disposed;

    /// <summary>A transport with the default options: the media driver of <c>$AERON_DIR</c> or Aeron's default directory.</summary>
    public AeronTransport()
        : this(new AeronTransportOptions())
    {
    }

    /// <summary>Connect to a media driver (starting the embedded one first when asked).</summary>
    /// <exception cref="ArgumentException">An option breaks its rule.</exception>
    /// <exception cref="DllNotFoundException">libaeron (or libaeron_driver) was not found; the message lists where it looked.</exception>
    /// <exception cref="AeronDirectoryException">The Aeron directory belongs to another user or holds garbage.</exception>
    /// <exception cref="AeronDriverUnavailableException">No media driver answered within the driver timeout.</exception>
    /// <exception cref="AeronException">Aeron failed otherwise (the embedded driver could not start, ...).</exception>
    public AeronTransport(AeronTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        AeronLibrary.LoadClient(_options.LibraryPath);
        Directory = _options.EffectiveAeronDir ?? AeronDirectory.DefaultPath();
        string? problem = AeronDirectory.Check(Directory);
        if (problem is not null)
        {
            throw new AeronDirectoryException(problem);
        }
        if (_options.EmbeddedMediaDriver)
        {
            _mediaDriver = new AeronMediaDriver(Directory, _options.MediaDriver ?? new AeronMediaDriverOptions(), _options.DriverTimeout);
        }
        try
        {
            _self = GCHandle.Alloc(this);
            _session = AeronClientSession.Connect(Directory, _options, GCHandle.ToIntPtr(_self), 1);
        }
        catch
        {
            if (_self.IsAllocated)
            {
                _self.Free();
            }
            _mediaDriver?.Dispose();
            throw;
        }
        _thread = new Thread(Housekeeping) { IsBackground = true, Name = "tensorpool-aeron" };
        _thread.Start();
    }

    /// <summary>The Aeron directory in use.</summary>
    public string Directory { get; }

    /// <summary>The embedded media driver, when this transport started one.</summary>
    public AeronMediaDriver? MediaDriver => _mediaDriver;

    /// <summary>Where libaeron was loaded from.</summary>
    public static string? LibraryLoadedFrom => AeronLibrary.ClientLoadedFrom;

    /// <summary>False from a driver or client timeout until the transport has reconnected.</summary>
    public bool IsConnected => Volatile.Read(ref _faulted) == 0 && !_disposed;

    /// <summary>Times the transport reconnected to a media driver after losing one.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>A copy of the options this transport runs with.</summary>
    public AeronTransportOptions Options => _options.Clone();

    /// <summary>Open an exclusive publication on the stream, once the media driver confirms it.</summary>
    /// <exception cref="ArgumentException">The channel is not an acceptable Aeron channel (the message says why).</exception>
    /// <exception cref="AeronDriverUnavailableException">The media driver is gone (the transport is reconnecting).</exception>
    /// <exception cref="AeronException">The media driver refused the channel or failed.</exception>
    public AeronPublication AddPublication(string channel, int streamId)
    {
        AeronChannel.Validate(channel);
        lock (_gate)
        {
            AeronClientSession session = ConnectedSession();
            AeronExclusivePublication* native = session.AddPublication(channel, streamId, _options.DriverTimeout);
            var publication = new AeronPublication(this, channel, streamId, native, _options.AdminActionRetries);
            _publications.Add(publication);
            return publication;
        }
    }

    /// <summary>Open a subscription on the stream, once the media driver confirms it; it joins at each image's live position.</summary>
    /// <exception cref="ArgumentException">The channel is not an acceptable Aeron channel.</exception>
    /// <exception cref="AeronDriverUnavailableException">The media driver is gone (the transport is reconnecting).</exception>
    /// <exception cref="AeronException">The media driver refused the channel or failed.</exception>
    public AeronSubscription AddSubscription(string channel, int streamId)
    {
        AeronChannel.Validate(channel);
        lock (_gate)
        {
            AeronClientSession session = ConnectedSession();
            var subscription = new AeronSubscription(this, channel, streamId);
            try
            {
                subscription.Replace(session.AddSubscription(channel, streamId, subscription.Handle, _options.DriverTimeout));
            }
            catch
            {
                subscription.Dispose();
                throw;
            }
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    IPublication ITransport.AddPublication(string channel, int streamId) => AddPublication(channel, streamId);

    ISubscription ITransport.AddSubscription(string channel, int streamId) => AddSubscription(channel, streamId);

    private AeronClientSession ConnectedSession()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _faulted) != 0 || _session.IsClosed)
        {
            throw new AeronDriverUnavailableException(
                $"the Aeron media driver of {Directory} is unavailable; the transport is reconnecting");
        }
        return _session;
    }

    /// <summary>Close every publication and subscription, the Aeron client, then the embedded media driver.</summary>
    public void Dispose()
    {
        AeronPublication[] publications;
        AeronSubscription[] subscriptions;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            publications = [.. _publications];
            subscriptions = [.. _subscriptions];
        }
        _wake.Set();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
        foreach (AeronPublication publication in publications)
        {
            publication.Dispose();
        }
        foreach (AeronSubscription subscription in subscriptions)
        {
            subscription.Dispose();
        }
        lock (_gate)
        {
            // After aeron_close no callback of this client runs: the handles and memory Aeron could reach can go.
            _session.Dispose();
            foreach ((GCHandle handle, nint memory) in _retired)
            {
                handle.Free();
                NativeMemory.Free((void*)memory);
            }
            _retired.Clear();
        }
        _mediaDriver?.Dispose();
        _self.Free();
        _wake.Dispose();
    }

    /// <summary>A publication or subscription was disposed: stop re-creating it on reconnects.</summary>
    internal void Forget(AeronPublication publication)
    {
        lock (_gate)
        {
            _publications.Remove(publication);
        }
    }

    internal void Forget(AeronSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
        }
    }

    /// <summary>Close a native publication of the current session (after its last use).</summary>
    internal void CloseNative(AeronPublication owner, AeronExclusivePublication* native)
    {
        lock (_gate)
        {
            if (native != null && !_session.IsClosed)
            {
                _ = NativeMethods.aeron_exclusive_publication_close(native, null, null);
            }
        }
    }

    /// <summary>Close a native subscription of the current session (after its last poll).</summary>
    internal void CloseNative(AeronSubscription owner, NativeSubscription* native)
    {
        lock (_gate)
        {
            if (native != null && !_session.IsClosed)
            {
                _ = NativeMethods.aeron_subscription_close(native, null, null);
            }
        }
    }

    /// <summary>Keep a handle Aeron may still call back with, and memory a reader may still touch, until the client closes.</summary>
    internal void Retire(GCHandle handle, nint memory)
    {
        lock (_gate)
        {
            _retired.Add((handle, memory));
        }
    }

    /// <summary>An image joined or left (Aeron's conductor thread): handed to the transport's thread.</summary>
    internal void OnImage(AeronImageEvent image)
    {
        if (_options.ImageHandler is not null)
        {
            _events.Enqueue(image);
            _wake.Set();
        }
    }

    /// <summary>An error of the client's conductor (Aeron's conductor thread).</summary>
    internal void OnClientError(int code, string message)
    {
        AeronException error = AeronErrors.Create($"the Aeron client of {Directory}", code, message);
        if (error is AeronDriverTimeoutException or AeronClientTimeoutException)
        {
            Volatile.Write(ref _faulted, 1);
        }
        _events.Enqueue(error);
        _wake.Set();
    }

    private void Housekeeping()
    {
        while (!_disposed)
        {
            _wake.WaitOne(_options.ReconnectInterval);
            while (_events.TryDequeue(out object? item))
            {
                Deliver(item);
            }
            if (!_disposed && (Volatile.Read(ref _faulted) != 0 || _session.IsClosed))
            {
                Volatile.Write(ref _faulted, 1);
                TryReconnect();
            }
        }
    }

    private void Deliver(object item)
    {
        try
        {
            switch (item)
            {
                case AeronImageEvent image:
                    _options.ImageHandler?.Invoke(image);
                    break;
                case Exception error:
                    Report(error);
                    break;
            }
        }
        catch (Exception e)
        {
            Report(new AeronException("an Aeron image handler threw", e));
        }
    }

    private void Report(Exception error)
    {
        try
        {
            if (_options.ErrorHandler is { } handler)
            {
                handler(error);
            }
            else
            {
                Console.Error.WriteLine("TensorPool.Transport.Aeron: " + error.Message);
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("TensorPool.Transport.Aeron: the error handler threw: " + e);
        }
    }

    /// <summary>Connect a new client and move every open publication and subscription onto it.</summary>
    private void TryReconnect()
    {
        AeronClientSession fresh;
        try
        {
            string? problem = AeronDirectory.Check(Directory);
            if (problem is not null)
            {
                throw new AeronDirectoryException(problem);
            }
            fresh = AeronClientSession.Connect(Directory, _options, GCHandle.ToIntPtr(_self), _session.Generation + 1);
        }
        catch (AeronException e)
        {
            if (!_outageReported)
            {
                _outageReported = true;
                Report(e);
            }
            return;
        }
        AeronClientSession old;
        var moved = new List<Action>();
        lock (_gate)
        {
            if (_disposed)
            {
                fresh.Dispose();
                return;
            }
            var publications = new List<(AeronPublication, nint)>();
            var subscriptions = new List<(AeronSubscription, nint)>();
            try
            {
                foreach (AeronPublication p in _publications)
                {
                    publications.Add((p, (nint)fresh.AddPublication(p.Channel, p.StreamId, _options.DriverTimeout)));
                }
                foreach (AeronSubscription s in _subscriptions)
                {
                    subscriptions.Add((s, (nint)fresh.AddSubscription(s.Channel, s.StreamId, s.Handle, _options.DriverTimeout)));
                }
            }
            catch (AeronException e)
            {
                fresh.Dispose(); // and whatever was added on it
                Report(e);
                return;
            }
            old = _session;
            _session = fresh;
            foreach ((AeronPublication p, nint native) in publications)
            {
                p.Replace((AeronExclusivePublication*)native);
                moved.Add(p.AwaitQuiescence);
            }
            foreach ((AeronSubscription s, nint native) in subscriptions)
            {
                s.Replace((NativeSubscription*)native);
                moved.Add(s.AwaitQuiescence);
            }
            Volatile.Write(ref _faulted, 0);
            _outageReported = false;
            Interlocked.Increment(ref _reconnects);
        }
        // Uses that may still hold the old objects end before the old client frees them.
        foreach (Action wait in moved)
        {
            wait();
        }
        old.Dispose();
    }

    public override string ToString() => $"AeronTransport({Directory})";
}
