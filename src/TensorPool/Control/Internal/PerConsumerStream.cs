using System.ComponentModel;
using TensorPool.Transport;

namespace TensorPool.Control.Internal;

/// <summary>
/// A per-consumer descriptor publication (wire spec §5) with its max_rate_hz gate. Opened and closed by the conductor;
/// <see cref="TryOffer"/> runs on the producer's thread only (the gate state is that thread's).
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PerConsumerStream(uint consumerId, IPublication publication, uint maxRateHz)
{
    private RateGate _gate;
    private long _sent;
    private long _rateLimited;
    private long _offerFailures;

    public uint ConsumerId { get; } = consumerId;

    public IPublication Publication { get; } = publication;

    /// <summary>0 = unthrottled (§5); otherwise at most this many descriptors a second.</summary>
    public uint MaxRateHz { get; } = maxRateHz;

    public long Sent => Volatile.Read(ref _sent);

    public long RateLimited => Volatile.Read(ref _rateLimited);

    public long OfferFailures => Volatile.Read(ref _offerFailures);

    /// <summary>
    /// Offer <paramref name="descriptor"/> unless the rate cap says no. The gate runs on the frame's capture time
    /// (<paramref name="timestampNs"/>, SlotHeader.timestamp_ns), so a producer that stalls does not burst afterwards.
    /// </summary>
    public void TryOffer(ReadOnlySpan<byte> descriptor, long timestampNs)
    {
        if (MaxRateHz != 0 && !_gate.TryPass(timestampNs, 1_000_000_000L / MaxRateHz))
        {
            _rateLimited++;
            return;
        }
        if (Publication.Offer(descriptor) < 0)
        {
            _offerFailures++;
            return;
        }
        _sent++;
    }
}
