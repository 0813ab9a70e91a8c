using TensorPool.Control;

namespace TensorPool.Supervisor;

/// <summary>
/// The supervisor's live model (wire spec §10.5) at one moment: every stream with its producer and consumers as
/// announces and QoS describe them (<see cref="QosMonitor"/>), and every consumer it supervises with its ConsumerConfig.
/// </summary>
public sealed record SupervisorSnapshot(IReadOnlyList<StreamStatus> Streams, IReadOnlyList<SupervisedConsumerStatus> Consumers, long TakenAtNs)
{
    public static SupervisorSnapshot Empty { get; } = new([], [], 0);
}
