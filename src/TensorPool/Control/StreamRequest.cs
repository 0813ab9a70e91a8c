namespace TensorPool.Control;

/// <summary>How a ConsumerHello asks for (or a ConsumerConfig assigns) a per-consumer stream (wire spec §10.1.2, §10.1.3).</summary>
public enum StreamRequest
{
    /// <summary>Empty channel and stream id 0: not requested / not assigned.</summary>
    Absent,

    /// <summary>A non-empty channel and a non-zero stream id.</summary>
    Requested,

    /// <summary>Only one of the two: MUST be rejected (§10.1.3 per-consumer stream request rules).</summary>
    HalfRequest,
}
