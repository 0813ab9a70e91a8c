namespace TensorPool.Control;

/// <summary>A snapshot of a consumer's control counters (wire spec §10.1.2, §10.1.3, §10.2.2).</summary>
/// <param name="HellosSent">ConsumerHello messages sent.</param>
/// <param name="ConfigsReceived">ConsumerConfig messages for this consumer that decoded.</param>
/// <param name="ConfigsRejected">ConsumerConfig messages refused: unknown mode or flag, half assignments, assignments not requested.</param>
/// <param name="IdCollisions">Times another consumer reported this consumer's id in QosConsumer and a new id was picked (§10.1.2).</param>
/// <param name="ProgressDelivered">FrameProgress messages handed to the handler.</param>
/// <param name="ProgressRegressed">FrameProgress dropped because payload_bytes_filled went backwards within a frame.</param>
/// <param name="ProgressOverLength">FrameProgress dropped because payload_bytes_filled exceeded values_len_bytes.</param>
/// <param name="ProgressLayout">FrameProgress dropped because the slot header broke a rule (progress unit/stride included).</param>
/// <param name="ProgressStale">FrameProgress of another epoch, an older frame, or a slot that no longer holds the frame.</param>
/// <param name="ProgressMalformed">FrameProgress that did not decode or had an unknown state.</param>
public readonly record struct ConsumerControlCounters(
    long HellosSent,
    long ConfigsReceived,
    long ConfigsRejected,
    long IdCollisions,
    long ProgressDelivered,
    long ProgressRegressed,
    long ProgressOverLength,
    long ProgressLayout,
    long ProgressStale,
    long ProgressMalformed);
