namespace TensorPool.Agents;

/// <summary>
/// Something an idle thread can sleep on until there may be work: the streams it reads and the timers of its duty
/// cycle (<see cref="WaitingIdleStrategy"/>). <see cref="TensorPool.Transport.SubscriptionWaitSet"/> is the tp:ipc
/// one; a consumer and a client's conductor each expose theirs.
/// </summary>
public interface IWaitSource
{
    /// <summary>
    /// Sleep until a message may be ready, <see cref="Wake"/> was called since the last wait returned, a timer of the
    /// source is due, or <paramref name="timeoutNs"/> passes (negative: no timeout of the caller's). May return early
    /// for no reason: the caller runs its duty cycle and idles again. Allocates nothing. Call from the thread that polls
    /// what the source watches.
    /// </summary>
    void Wait(long timeoutNs);

    /// <summary>End a wait in progress, or the next one if none is (from any thread): cancellation, disposal, new work.</summary>
    void Wake();
}
