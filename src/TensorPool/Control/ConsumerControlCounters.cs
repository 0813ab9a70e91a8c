namespace TensorPool.Control;

/// <summary>A snapshot of a consumer's control counters (wire spec §10.1.2, §10.1.3, §10.2.2).</summary>
/// <remarks>Counters types have named init-only properties only, so a new counter is not a breaking change (docs/DECISIONS.md D100).</remarks>
public readonly record struct ConsumerControlCounters
{
    /// <summary>ConsumerHello messages sent.</summary>
    public long HellosSent { get; init; }

    /// <summary>ConsumerConfig messages for this consumer that decoded.</summary>
    public long ConfigsReceived { get; init; }

    /// <summary>ConsumerConfig messages refused: unknown mode or flag, half assignments, assignments not requested.</summary>
    public long ConfigsRejected { get; init; }

    /// <summary>Times another consumer reported this consumer's id in QosConsumer and a new id was picked (§10.1.2).</summary>
    public long IdCollisions { get; init; }

    /// <summary>FrameProgress messages handed to the handler.</summary>
    public long ProgressDelivered { get; init; }

    /// <summary>FrameProgress dropped because payload_bytes_filled went backwards within a frame.</summary>
    public long ProgressRegressed { get; init; }

    /// <summary>FrameProgress dropped because payload_bytes_filled exceeded values_len_bytes.</summary>
    public long ProgressOverLength { get; init; }

    /// <summary>FrameProgress dropped because the slot header broke a rule (progress unit/stride included).</summary>
    public long ProgressLayout { get; init; }

    /// <summary>FrameProgress of another epoch, an older frame, or a slot that no longer holds the frame.</summary>
    public long ProgressStale { get; init; }

    /// <summary>FrameProgress that did not decode or had an unknown state.</summary>
    public long ProgressMalformed { get; init; }
}
