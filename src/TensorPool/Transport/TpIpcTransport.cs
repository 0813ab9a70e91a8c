using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Transport;

/// <summary>
/// The embedded shared-memory transport: <c>tp:ipc</c> channels, one broadcast log file per (channel, stream id) on
/// the host (DESIGN §3), no daemon. Publications and subscriptions of any process that uses the same base dir, user,
/// deployment name and stream id meet in the same log.
/// </summary>
/// <remarks>
/// <para>Channels: <c>tp:ipc</c> (the deployment <see cref="TpIpcOptions.Namespace"/>) or
/// <c>tp:ipc?name=&lt;deployment&gt;</c> (1 to 64 of <c>[A-Za-z0-9._-]</c>, not starting with '.'). The log lives at
/// <c>&lt;BaseDir&gt;/tensorpool-&lt;user&gt;/&lt;name&gt;/ipc/&lt;stream id&gt;.log</c> (<see cref="GetLogPath"/>),
/// created on first use with private modes (directories 0700, file 0600).</para>
/// <para>Threads: adding and disposing publications and subscriptions is thread-safe (not for hot paths); each
/// publication or subscription is then used by one thread at a time. Disposing the transport disposes whatever is
/// still open.</para>
/// </remarks>
public sealed class TpIpcTransport : ITransport
{
    private readonly TpIpcOptions _options;
    private readonly PathPolicyHandle _policy;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TpIpcLog> _logs = new(StringComparer.Ordinal);
    private readonly HashSet<IDisposable> _open = [];
    private bool _disposed;

    /// <summary>A transport with the default options (base dir /dev/shm, 4 MiB logs).</summary>
    public TpIpcTransport()
        : this(new TpIpcOptions())
    {
    }

    /// <summary>A transport with <paramref name="options"/> (copied and validated now).</summary>
    /// <exception cref="ArgumentException">An option breaks its rule; the message names it.</exception>
    public TpIpcTransport(TpIpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        _policy = CreatePolicy(_options.BaseDir);
    }

    /// <summary>A copy of the options this transport runs with.</summary>
    public TpIpcOptions Options => _options.Clone();

    /// <summary>The log file of (<paramref name="channel"/>, <paramref name="streamId"/>) (whether or not it exists yet).</summary>
    /// <exception cref="ArgumentException">The channel is not a valid tp:ipc channel.</exception>
    public string GetLogPath(string channel, int streamId)
    {
        TpIpcChannel parsed = TpIpcChannel.Parse(channel, _options.Namespace);
        return TpIpcLayout.LogPath(_options.BaseDir, _options.User, parsed.Name, streamId);
    }

    /// <summary>Open a publication on the stream, creating its log on first use.</summary>
    /// <exception cref="ArgumentException">The channel is not a valid tp:ipc channel (the message says why).</exception>
    /// <exception cref="TensorPoolException">The log could not be opened: a refused path (<see cref="TensorPoolPathException"/>), a file that is not a valid log (<see cref="TensorPoolFileFormatException"/>), an I/O error.</exception>
    public TpIpcPublication AddPublication(string channel, int streamId) => Add(channel, streamId, log =>
    {
        int rc = LogPublicationHandle.TryCreate(log.Handle, out LogPublicationHandle? handle);
        NativeError.Check(rc, $"creating a publication on {log.Path}");
        return new TpIpcPublication(this, log, handle!, channel, streamId);
    });

    /// <summary>Open a subscription on the stream, joining at its live tail; creates the log on first use.</summary>
    /// <exception cref="ArgumentException">The channel is not a valid tp:ipc channel (the message says why).</exception>
    /// <exception cref="TensorPoolException">The log could not be opened (see <see cref="AddPublication"/>).</exception>
    public TpIpcSubscription AddSubscription(string channel, int streamId) => Add(channel, streamId, log =>
    {
        long stallNs = (long)_options.StallTimeout.TotalNanoseconds;
        int rc = LogSubscriptionHandle.TryCreate(log.Handle, stallNs, out LogSubscriptionHandle? handle);
        NativeError.Check(rc, $"creating a subscription on {log.Path}");
        return new TpIpcSubscription(this, log, handle!, channel, streamId);
    });

    IPublication ITransport.AddPublication(string channel, int streamId) => AddPublication(channel, streamId);

    ISubscription ITransport.AddSubscription(string channel, int streamId) => AddSubscription(channel, streamId);

    /// <summary>Dispose every publication and subscription still open, then the logs.</summary>
    public void Dispose()
    {
        IDisposable[] open;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            open = [.. _open];
        }
        foreach (IDisposable d in open)
        {
            d.Dispose();
        }
        lock (_gate)
        {
            foreach (TpIpcLog log in _logs.Values)
            {
                log.Dispose();
            }
            _logs.Clear();
        }
        _policy.Dispose();
    }

    /// <summary>Called by a publication or subscription when it is disposed.</summary>
    internal void Release(IDisposable child, TpIpcLog log)
    {
        lock (_gate)
        {
            if (_open.Remove(child))
            {
                ReleaseLog(log);
            }
        }
    }

    /// <summary>Open the stream's log (or share it), then the publication or subscription <paramref name="open"/> makes on it.</summary>
    private T Add<T>(string channel, int streamId, Func<TpIpcLog, T> open)
        where T : IDisposable
    {
        lock (_gate)
        {
            TpIpcLog log = Acquire(channel, streamId);
            try
            {
                T opened = open(log);
                _open.Add(opened);
                return opened;
            }
            catch
            {
                ReleaseLog(log);
                throw;
            }
        }
    }

    private TpIpcLog Acquire(string channel, int streamId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string path = GetLogPath(channel, streamId);
        if (!_logs.TryGetValue(path, out TpIpcLog? log))
        {
            log = TpIpcLog.Open(path, _options.BaseDir, _policy, _options.LogCapacity);
            _logs.Add(path, log);
        }
        log.Users++;
        return log;
    }

    private void ReleaseLog(TpIpcLog log)
    {
        if (--log.Users == 0 && _logs.Remove(log.Path))
        {
            log.Dispose();
        }
    }

    private static unsafe PathPolicyHandle CreatePolicy(string baseDir)
    {
        TpPathPolicy* raw;
        NativeError.Check(NativeMethods.tp_path_policy_create(&raw), "creating a path policy");
        var policy = new PathPolicyHandle();
        policy.Adopt(raw);
        using (NativeHandleLease<TpPathPolicy> lease = policy.Lease())
        {
            int rc = NativeMethods.tp_path_policy_add_base_dir(lease.Pointer, baseDir);
            if (rc < 0)
            {
                TensorPoolException error = NativeError.Create(rc, $"allowing base dir {baseDir}");
                policy.Dispose();
                throw new ArgumentException($"TpIpcOptions.BaseDir = '{baseDir}' cannot be used: {error.Message}",
                    nameof(baseDir), error);
            }
        }
        return policy;
    }

    public override string ToString() => $"TpIpcTransport({_options.BaseDir})";
}
