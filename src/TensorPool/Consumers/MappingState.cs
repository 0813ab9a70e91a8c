namespace TensorPool.Consumers;

/// <summary>The consumer state machine of wire spec §15.12 / §15.21 .</summary>
public enum MappingState
{
    /// <summary>M0: waiting for a usable ShmPoolAnnounce; descriptors are dropped.</summary>
    Unmapped,

    /// <summary>M1: regions mapped and validated for one epoch.</summary>
    Mapped,

    /// <summary>
    /// FALLBACK: the producer said use_shm=0 and named a payload_fallback_uri (<see cref="Consumer.FallbackUri"/>);
    /// shared memory is not read and descriptors are dropped (§10.1.3, §15.12).
    /// </summary>
    Fallback,

    /// <summary>use_shm=0 without a usable payload_fallback_uri: the source cannot be read (<see cref="Consumer.FailureReason"/>).</summary>
    Failed,
}
