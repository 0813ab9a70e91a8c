using TensorPool.Aeron.Native.Internal;
using TensorPool.Transport.Aeron.Internal;

namespace TensorPool.Transport.Aeron;

/// <summary>
/// A publication on an <c>aeron:ipc</c> / <c>aeron:udp</c> stream: an Aeron exclusive publication (one session of its
/// own, one publishing thread). Offers allocate nothing and take no lock; every negative Aeron result is mapped onto
/// <see cref="PublicationStatus"/>, and ADMIN_ACTION (a term rotation) is retried, never returned as a loss.
/// </summary>
/// <remarks>
/// <para>Threads: offer, claim and commit from one thread at a time; <see cref="Counters"/>, <see cref="IsConnected"/>
/// and <see cref="Dispose"/> from any thread (a Dispose from another thread waits for an offer in progress).</para>
/// <para>Results: a position (&gt; 0) on success; <see cref="PublicationStatus.NotConnected"/> while no subscriber is
/// connected or while the transport reconnects to a media driver; <see cref="PublicationStatus.BackPressured"/> when a
/// subscriber is a term window behind (Aeron is reliable: nothing is dropped, retry);
/// <see cref="PublicationStatus.AdminAction"/> only after <see cref="AeronTransportOptions.AdminActionRetries"/>
/// retries; <see cref="PublicationStatus.MaxPositionExceeded"/>; <see cref="PublicationStatus.MaxMessageLengthExceeded"/>
/// for a message longer than <see cref="MaxMessageLength"/>; <see cref="PublicationStatus.Closed"/> after
/// <see cref="Dispose"/>. Any other failure of Aeron throws <see cref="AeronException"/>.</para>
/// </remarks>
public sealed unsafe class AeronPublication : IPublication
{
    private readonly AeronTransport _transport;
    private readonly int _adminRetries;
    private nint _publication;
    private UseGuard _guard;
    private AeronBufferClaim _claim;
    private bool _claimOpen;
    private int _claimThread;
    private long _offers;
    private long _bytes;
    private long _maxLengthRejections;
    private long _adminActions;

    internal AeronPublication(AeronTransport transport, string channel, int streamId, AeronExclusivePublication* publication, int adminRetries)
    {
        _transport = transport;
        _adminRetries = adminRetries;
        Channel = channel;
        StreamId = streamId;
        AeronPublicationConstants constants;
        if (NativeMethods.aeron_exclusive_publication_constants(publication, &constants) < 0)
        {
            throw AeronErrors.FromLast($"reading the constants of {channel} stream {streamId}");
        }
        MaxMessageLength = (int)Math.Min((ulong)constants.MaxMessageLength, int.MaxValue);
        MaxPayloadLength = (int)Math.Min((ulong)constants.MaxPayloadLength, int.MaxValue);
        SessionId = constants.SessionId;
        _publication = (nint)publication;
    }

    public string Channel { get; }

    public int StreamId { get; }

    /// <summary>The largest message <see cref="Offer"/> takes: Aeron's max message length (an eighth of the term, at most 16 MiB).</summary>
    public int MaxMessageLength { get; }

    /// <summary>The largest message <see cref="TryClaim"/> takes: one frame (the MTU less the 32-byte data header).</summary>
    public int MaxPayloadLength { get; }

    /// <summary>This publication's Aeron session id (of its first media driver).</summary>
    public int SessionId { get; }

    public bool IsClosed => _guard.IsClosed;

    /// <summary>Whether a subscriber is connected (false while the transport reconnects).</summary>
    public bool IsConnected
    {
        get
        {
            if (!_guard.TryEnter())
            {
                return false;
            }
            try
            {
                var publication = (AeronExclusivePublication*)Volatile.Read(ref _publication);
                return publication != null && NativeMethods.aeron_exclusive_publication_is_connected(publication) != 0;
            }
            finally
            {
                _guard.Exit();
            }
        }
    }

    /// <summary>Offers that succeeded, their bytes, and those refused for length.</summary>
    public PublicationCounters Counters => default(PublicationCounters) with
    {
        Offers = Volatile.Read(ref _offers),
        BytesOffered = Volatile.Read(ref _bytes),
        MaxLengthRejections = Volatile.Read(ref _maxLengthRejections),
    };

    /// <summary>ADMIN_ACTION results retried (term rotations met by offers and claims).</summary>
    public long AdminActions => Volatile.Read(ref _adminActions);

    /// <summary>Publish one message; see the remarks for the results. Never blocks; allocates nothing.</summary>
    /// <exception cref="InvalidOperationException">A claim from <see cref="TryClaim"/> is open.</exception>
    /// <exception cref="AeronException">Aeron failed for a reason other than flow control.</exception>
    public long Offer(ReadOnlySpan<byte> message)
    {
        if (_claimOpen)
        {
            throw new InvalidOperationException("a claim is open on this publication; commit or abort it before offering");
        }
        if (!_guard.TryEnter())
        {
            return PublicationStatus.Closed;
        }
        try
        {
            var publication = (AeronExclusivePublication*)Volatile.Read(ref _publication);
            if (publication == null)
            {
                return PublicationStatus.NotConnected;
            }
            if (message.Length > MaxMessageLength)
            {
                _maxLengthRejections++;
                return PublicationStatus.MaxMessageLengthExceeded;
            }
            long result;
            int retries = 0;
            fixed (byte* bytes = message)
            {
                // Aeron refuses a null buffer even for an empty message; an empty span pins to null.
                byte none = 0;
                byte* data = bytes != null ? bytes : &none;
                while (true)
                {
                    result = NativeMethods.aeron_exclusive_publication_offer(publication, data, (nuint)message.Length, null, null);
                    if (result != AeroncConstants.PublicationAdminAction || retries++ >= _adminRetries)
                    {
                        break;
                    }
                    _adminActions++;
                }
            }
            if (result >= 0)
            {
                Volatile.Write(ref _offers, _offers + 1);
                Volatile.Write(ref _bytes, _bytes + message.Length);
                return result;
            }
            return Map(result, "offering a message");
        }
        finally
        {
            _guard.Exit();
        }
    }

    /// <summary>
    /// Claim <paramref name="length"/> bytes of the term to write a message in place, then <see cref="Commit"/> (or
    /// <see cref="Abort"/>) it. At most <see cref="MaxPayloadLength"/> bytes (one frame). Returns the position the message
    /// will end at, or a negative <see cref="PublicationStatus"/> as <see cref="Offer"/> does (then
    /// <paramref name="buffer"/> is empty). Subscribers of the stream wait for the commit: write promptly.
    /// </summary>
    /// <exception cref="InvalidOperationException">A claim is already open.</exception>
    public long TryClaim(int length, out Span<byte> buffer)
    {
        buffer = default;
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_claimOpen)
        {
            throw new InvalidOperationException("a claim is already open on this publication; commit or abort it first");
        }
        if (!_guard.TryEnter())
        {
            return PublicationStatus.Closed;
        }
        // A successful claim stays a use of the guard until Commit or Abort: the term it points into stays mapped.
        bool keep = false;
        try
        {
            var publication = (AeronExclusivePublication*)Volatile.Read(ref _publication);
            if (publication == null)
            {
                return PublicationStatus.NotConnected;
            }
            if (length > MaxPayloadLength)
            {
                _maxLengthRejections++;
                return PublicationStatus.MaxMessageLengthExceeded;
            }
            AeronBufferClaim claim;
            long result;
            int retries = 0;
            while (true)
            {
                result = NativeMethods.aeron_exclusive_publication_try_claim(publication, (nuint)length, &claim);
                if (result != AeroncConstants.PublicationAdminAction || retries++ >= _adminRetries)
                {
                    break;
                }
                _adminActions++;
            }
            if (result < 0)
            {
                return Map(result, "claiming a message");
            }
            _claim = claim;
            _claimOpen = true;
            _claimThread = Environment.CurrentManagedThreadId;
            keep = true;
            buffer = new Span<byte>(claim.Data, length);
            return result;
        }
        finally
        {
            if (!keep)
            {
                _guard.Exit();
            }
        }
    }

    /// <summary>Publish the message claimed by <see cref="TryClaim"/>; returns its length.</summary>
    /// <exception cref="InvalidOperationException">No claim is open.</exception>
    public long Commit() => Finish(commit: true);

    /// <summary>Give the claimed message up: subscribers pass over it as padding.</summary>
    /// <exception cref="InvalidOperationException">No claim is open.</exception>
    public void Abort() => Finish(commit: false);

    private long Finish(bool commit)
    {
        if (!_claimOpen)
        {
            throw new InvalidOperationException("no claim is open on this publication");
        }
        AeronBufferClaim claim = _claim;
        _claimOpen = false;
        _claim = default;
        // Still inside the use TryClaim began: the term the claim points into is mapped.
        try
        {
            int rc = commit ? NativeMethods.aeron_buffer_claim_commit(&claim) : NativeMethods.aeron_buffer_claim_abort(&claim);
            if (rc < 0)
            {
                throw AeronErrors.FromLast(commit ? "committing a claimed message" : "aborting a claimed message");
            }
            if (commit)
            {
                Volatile.Write(ref _offers, _offers + 1);
                Volatile.Write(ref _bytes, _bytes + (long)claim.Length);
            }
            return (long)claim.Length;
        }
        finally
        {
            _guard.Exit();
        }
    }

    private long Map(long result, string operation) =>
        MapOfferResult(result, IsClosed) ?? throw AeronErrors.FromLast($"{operation} on {Channel} stream {StreamId} (Aeron result {result})");

    /// <summary>
    /// The <see cref="PublicationStatus"/> of a negative Aeron offer or claim result, or null when it is an error
    /// (AERON_PUBLICATION_ERROR, which is -6 like MaxMessageLengthExceeded but means something else, or an unknown value).
    /// </summary>
    internal static long? MapOfferResult(long result, bool publicationClosed) => result switch
    {
        AeroncConstants.PublicationNotConnected => PublicationStatus.NotConnected,
        AeroncConstants.PublicationBackPressured => PublicationStatus.BackPressured,
        AeroncConstants.PublicationAdminAction => PublicationStatus.AdminAction,
        // Closed under a publication that is not: Aeron closed it with its client (the driver went away); the transport
        // reconnects, and meanwhile nothing is connected.
        AeroncConstants.PublicationClosed => publicationClosed ? PublicationStatus.Closed : PublicationStatus.NotConnected,
        AeroncConstants.PublicationMaxPositionExceeded => PublicationStatus.MaxPositionExceeded,
        _ => null,
    };

    /// <summary>The native publication in use (0 while the transport reconnects).</summary>
    internal AeronExclusivePublication* Native => (AeronExclusivePublication*)Volatile.Read(ref _publication);

    /// <summary>Use <paramref name="publication"/> from now on (a reconnect); the caller then awaits quiescence.</summary>
    internal void Replace(AeronExclusivePublication* publication)
    {
        // A claim of the old publication cannot be committed any more.
        Volatile.Write(ref _publication, (nint)publication);
    }

    internal void AwaitQuiescence() => _guard.AwaitQuiescence();

    /// <summary>Close the publication (waiting for an offer in progress on another thread). An open claim is aborted by Aeron's close.</summary>
    public void Dispose()
    {
        if (!_guard.Close())
        {
            return;
        }
        _transport.Forget(this);
        if (_claimOpen && _claimThread == Environment.CurrentManagedThreadId)
        {
            Abort(); // this thread's own claim: end its use before waiting for uses to end
        }
        _guard.AwaitQuiescence();
        _transport.CloseNative(this, Native);
        Volatile.Write(ref _publication, 0);
    }

    public override string ToString() => $"AeronPublication({Channel}, stream {StreamId})";
}
