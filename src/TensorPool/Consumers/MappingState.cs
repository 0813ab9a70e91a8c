namespace TensorPool.Consumers;

/// <summary>The consumer state machine of wire spec §15.12 / §15.21 (FALLBACK belongs to a later issue).</summary>
public enum MappingState
{
    /// <summary>M0: waiting for a usable ShmPoolAnnounce; descriptors are dropped.</summary>
    Unmapped,

    /// <summary>M1: regions mapped and validated for one epoch.</summary>
    Mapped,
}
