namespace TensorPool.JoinBarrier;

/// <summary>
/// Validates, once, a frame a <see cref="LatestValueJoinBarrier"/> selected (JoinBarrier spec §9.1): true when the
/// frame is still the one in its slot (the seqlock and the slot's sequence agree), false when it was overwritten or
/// fails slot validation. One attempt, no waiting: a false answer makes the input absent for this tick (§5, §9.3).
/// </summary>
/// <remarks>A struct implementation passed to <see cref="LatestValueJoinBarrier.Check{TValidator}(ref TValidator)"/> costs no allocation.</remarks>
public interface IJoinFrameValidator
{
    /// <summary>Is frame <paramref name="seq"/> of <paramref name="streamId"/> in <paramref name="epoch"/> still valid?</summary>
    bool Validate(uint streamId, ulong epoch, ulong seq);
}
