using TensorPool.Sbe.Driver;

namespace TensorPool.DriverClient;

/// <summary>
/// An attach request still in flight when its lease was closed (cancelled, disposed, given up): a grant that answers it
/// is detached at once (<see cref="LeaseConductor"/>), until <paramref name="ForgetAtNs"/>.
/// </summary>
internal readonly record struct AbandonedAttach(long CorrelationId, uint ClientId, Role Role, long ForgetAtNs);
