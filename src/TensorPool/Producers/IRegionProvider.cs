namespace TensorPool.Producers;

/// <summary>
/// Where a producer's shared memory comes from: the seam between the data path and region ownership. In the wire
/// spec's no-driver deployment the producer creates its own regions (<see cref="OwnedRegionProvider"/>); in the driver
/// model (driver spec §4) a driver creates them and leases them to the producer. Either way the producer gets an
/// epoch, mapped read-write regions and the URIs to announce.
/// </summary>
internal interface IRegionProvider
{
    /// <summary>
    /// Provide regions for a new epoch of <paramref name="options"/>' stream with its layout (header slots, pools).
    /// The attachment is the producer's until it disposes it. Cancelled, it leaves nothing behind.
    /// </summary>
    Task<ProducerAttachment> AttachAsync(ProducerOptions options, CancellationToken cancellationToken);
}
