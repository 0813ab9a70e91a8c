namespace TensorPool.Transport;

/// <summary>A snapshot of a publication's counters since it was opened.</summary>
/// <remarks>Counters types have named init-only properties only, so a new counter is not a breaking change (docs/DECISIONS.md D100).</remarks>
public readonly record struct PublicationCounters
{
    /// <summary>Messages published (offered or claimed, then committed).</summary>
    public long Offers { get; init; }

    /// <summary>Their payload bytes.</summary>
    public long BytesOffered { get; init; }

    /// <summary>Offers refused because the message was longer than the maximum.</summary>
    public long MaxLengthRejections { get; init; }

    /// <summary>
    /// Messages given up because the publisher was stopped so long that the ring overran its claim (the offer returned
    /// <see cref="PublicationStatus.AdminAction"/>).
    /// </summary>
    public long Abandoned { get; init; }

    /// <summary>Wake-ups issued for subscribers sleeping in a blocking wait.</summary>
    public long Wakes { get; init; }
}
