using TensorPool.Concurrency;
using TensorPool.Interop.Internal;
using TensorPool.Interop;
using TensorPool.Native.Internal;

namespace TensorPool.Transport;

/// <summary>
/// A publication on a <c>tp:ipc</c> stream: appends messages to the stream's shared-memory log. Offers never wait for
/// subscribers (the log is lossy: a subscriber that falls a ring behind counts what it lost) and allocate nothing.
/// </summary>
/// <remarks>
/// Threads: use a publication from one thread at a time; open one publication per thread to publish concurrently
/// (any number of publications, in any number of processes, may share a stream). <see cref="Counters"/> and
/// <see cref="Position"/> may be read from any thread. After <see cref="Dispose"/>, <see cref="Offer"/> returns
/// <see cref="PublicationStatus.Closed"/>; the other members throw <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed unsafe class TpIpcPublication : IPublication
{
    private readonly TpIpcTransport _transport;
    private readonly TpIpcLog _log;
    private readonly LogPublicationHandle _handle;
    // Offers, claims and commits come from one thread at a time: they need no SafeHandle lease (two locked instructions).
    private ExclusiveUse _use;
    private TpLogClaim _claim;
    private bool _claimOpen;

    internal TpIpcPublication(TpIpcTransport transport, TpIpcLog log, LogPublicationHandle handle, string channel, int streamId)
    {
        _transport = transport;
        _log = log;
        _handle = handle;
        Channel = channel;
        StreamId = streamId;
        MaxMessageLength = log.MaxMessageLength;
    }

    public string Channel { get; }

    public int StreamId { get; }

    /// <summary>The largest message: an eighth of the log's capacity less the 32-byte record header.</summary>
    public int MaxMessageLength { get; }

    public bool IsClosed => _use.IsClosed;

    /// <summary>The log file this publication appends to.</summary>
    public string LogPath => _log.Path;

    /// <summary>The stream's tail position: where the next message of any publisher will be placed.</summary>
    public long Position
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return _log.TailPosition;
        }
    }

    /// <summary>This publication's counters (readable from any thread).</summary>
    public PublicationCounters Counters
    {
        get
        {
            TpLogPublicationCounters c;
            using (NativeHandleLease<TpLogPublication> lease = _handle.Lease())
            {
                NativeMethods.tp_log_publication_counters(lease.Pointer, &c);
            }
            return new PublicationCounters
            {
                Offers = (long)c.Offers,
                BytesOffered = (long)c.BytesOffered,
                MaxLengthRejections = (long)c.MaxLengthRejections,
                Abandoned = (long)c.Abandoned,
                Wakes = (long)c.Wakes,
            };
        }
    }

    /// <summary>
    /// Publish one message. Returns the stream position just after it (&gt; 0), or
    /// <see cref="PublicationStatus.MaxMessageLengthExceeded"/> when it is longer than <see cref="MaxMessageLength"/>,
    /// <see cref="PublicationStatus.AdminAction"/> when this publisher was stopped so long that the ring overran its
    /// claim (nothing was published; offer again), <see cref="PublicationStatus.Closed"/> after
    /// <see cref="Dispose"/>. Never blocks; allocates nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">A claim from <see cref="TryClaim"/> is open.</exception>
    public long Offer(ReadOnlySpan<byte> message)
    {
        if (!_use.TryEnter(_handle))
        {
            return PublicationStatus.Closed;
        }
        try
        {
            fixed (byte* bytes = message)
            {
                long result = NativeMethods.tp_log_publication_offer(Pointer, bytes, message.Length, 0);
                return result >= 0 ? result : Failed(result, "offering a message");
            }
        }
        finally
        {
            _use.Exit(_handle);
        }
    }

    /// <summary>
    /// Claim <paramref name="length"/> bytes in the log to write a message in place (zero-copy encoding), then publish it
    /// with <see cref="Commit"/>. Returns the position the message will end at, or a negative
    /// <see cref="PublicationStatus"/> as <see cref="Offer"/> does (then <paramref name="buffer"/> is empty).
    /// </summary>
    /// <remarks>
    /// <paramref name="buffer"/> is shared memory: write it promptly, commit, and never touch it after
    /// <see cref="Commit"/> or <see cref="Dispose"/>. Until the commit every subscriber of the stream waits for this
    /// message, at most the stall timeout, after which they skip it and count it lost.
    /// </remarks>
    /// <exception cref="InvalidOperationException">A claim is already open.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public long TryClaim(int length, out Span<byte> buffer)
    {
        buffer = default;
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_claimOpen)
        {
            throw new InvalidOperationException("a claim is already open on this publication; commit it first");
        }
        TpLogClaim claim;
        long result;
        EnterOrThrow();
        try
        {
            result = NativeMethods.tp_log_publication_try_claim(Pointer, length, 0, &claim);
        }
        finally
        {
            _use.Exit(_handle);
        }
        if (result < 0)
        {
            return Failed(result, "claiming a message");
        }
        _claim = claim;
        _claimOpen = true;
        buffer = new Span<byte>(claim.Buffer, claim.Length);
        return result;
    }

    /// <summary>
    /// Publish the message claimed by <see cref="TryClaim"/>. Returns the position just after it, or
    /// <see cref="PublicationStatus.AdminAction"/> when the ring overran the claim before the commit (the message is
    /// lost for every subscriber and counted as such; publish it again).
    /// </summary>
    /// <exception cref="InvalidOperationException">No claim is open.</exception>
    public long Commit()
    {
        if (!_claimOpen)
        {
            throw new InvalidOperationException("no claim is open on this publication");
        }
        long result;
        TpLogClaim claim = _claim;
        EnterOrThrow();
        try
        {
            result = NativeMethods.tp_log_publication_commit(Pointer, &claim);
        }
        finally
        {
            _use.Exit(_handle);
        }
        _claimOpen = false;
        return result >= 0 ? result : Failed(result, "committing a claimed message");
    }

    // Valid between a successful TryEnter and its Exit: the handle is not disposed before that Exit.
    private TpLogPublication* Pointer => (TpLogPublication*)_handle.DangerousGetHandle();

    private void EnterOrThrow() => ObjectDisposedException.ThrowIf(!_use.TryEnter(_handle), this);

    private long Failed(long result, string operation) => result switch
    {
        (long)TpLogError.ErrMessageTooLong => PublicationStatus.MaxMessageLengthExceeded,
        (long)TpLogError.ErrPublicationLapped => PublicationStatus.AdminAction,
        (long)TpError.ErrState => throw new InvalidOperationException(
            "a claim is open on this publication; commit it before offering", NativeError.Create((int)result, operation)),
        _ => throw NativeError.Create((int)result, $"{operation} on {_log.Path}"),
    };

    /// <summary>
    /// Close the publication. A claim left open is never committed: subscribers skip it after their stall timeout.
    /// </summary>
    public void Dispose()
    {
        // The handle is disposed now, or by an offer still running on the publishing thread when it returns.
        if (_use.Close(_handle))
        {
            _transport.Release(this, _log);
        }
    }

    public override string ToString() => $"TpIpcPublication({Channel}, stream {StreamId})";
}
