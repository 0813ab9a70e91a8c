using TensorPool.Sbe.Driver;

namespace TensorPool.DriverClient;

/// <summary>
/// Attach requests still in flight when their lease was closed (cancelled, disposed, given up), by correlation id: a
/// grant that answers one is not wanted and is detached by the <see cref="LeaseConductor"/>. Each is remembered for one
/// response timeout; an answer later than that counts as lost, like any other, and the driver expires the lease for
/// want of keepalives (§4.4). Used only on the duty cycle's thread.
/// </summary>
internal sealed class AbandonedAttaches(long rememberNs)
{
    private readonly List<Entry> _entries = [];

    public void Remember(long correlationId, uint clientId, Role role, long nowNs) =>
        _entries.Add(new Entry(correlationId, clientId, role, nowNs + rememberNs));

    /// <summary>Forget the request <paramref name="correlationId"/> answered; false when it is not one of these.</summary>
    public bool TryTake(long correlationId, out uint clientId, out Role role)
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            if (_entries[i].CorrelationId == correlationId)
            {
                (clientId, role) = (_entries[i].ClientId, _entries[i].Role);
                _entries.RemoveAt(i); // the driver answers duplicates the same way: one detach is enough
                return true;
            }
        }
        (clientId, role) = (0, default);
        return false;
    }

    public void Expire(long nowNs)
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            if (nowNs >= _entries[i].ForgetAtNs)
            {
                _entries.RemoveAt(i);
            }
        }
    }

    private readonly record struct Entry(long CorrelationId, uint ClientId, Role Role, long ForgetAtNs);
}
