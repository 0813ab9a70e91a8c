namespace TensorPool.Transport;

/// <summary>A snapshot of a publication's counters since it was opened.</summary>
/// <param name="Offers">Messages published (offered or claimed, then committed).</param>
/// <param name="BytesOffered">Their payload bytes.</param>
/// <param name="MaxLengthRejections">Offers refused because the message was longer than the maximum.</param>
/// <param name="Abandoned">Messages given up because the publisher was stopped so long that the ring overran its claim (the offer returned <see cref="PublicationStatus.AdminAction"/>).</param>
/// <param name="Wakes">Wake-ups issued for subscribers sleeping in a blocking wait.</param>
public readonly record struct PublicationCounters(
    long Offers,
    long BytesOffered,
    long MaxLengthRejections,
    long Abandoned,
    long Wakes);
