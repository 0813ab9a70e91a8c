using TensorPool.Interop;

namespace TensorPool.Agents;

/// <summary>
/// Spins, then yields, then sleeps with exponential backoff between a minimum and maximum period:
/// low latency when traffic is steady, little CPU when it is not (Agrona's BackoffIdleStrategy).
/// </summary>
public sealed class BackoffIdleStrategy : IIdleStrategy
{
    internal enum State
    {
        NotIdle,
        Spinning,
        Yielding,
        Parking,
    }

    private readonly long _maxSpins;
    private readonly long _maxYields;
    private readonly TimeSpan _minPark;
    private readonly TimeSpan _maxPark;
    private State _state = State.NotIdle;
    private long _spins;
    private long _yields;
    private TimeSpan _park;

    public BackoffIdleStrategy(long maxSpins, long maxYields, TimeSpan minPark, TimeSpan maxPark)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSpins);
        ArgumentOutOfRangeException.ThrowIfNegative(maxYields);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPark, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPark, minPark);
        _maxSpins = maxSpins;
        _maxYields = maxYields;
        _minPark = minPark;
        _maxPark = maxPark;
        _park = minPark;
    }

    /// <summary>Defaults: 10 spins, 5 yields, then sleeps from 1 µs (in practice the kernel's timer slack) up to 1 ms.</summary>
    public BackoffIdleStrategy()
        : this(10, 5, TimeSpan.FromTicks(10), TimeSpan.FromMilliseconds(1))
    {
    }

    /// <summary>The current escalation stage (for tests and diagnostics).</summary>
    internal State CurrentState => _state;

    public void Idle(int workCount)
    {
        if (workCount > 0)
        {
            Reset();
        }
        else
        {
            Idle();
        }
    }

    public void Idle()
    {
        switch (_state)
        {
            case State.NotIdle:
                _state = State.Spinning;
                _spins = 1;
                Thread.SpinWait(1);
                break;
            case State.Spinning:
                Thread.SpinWait(1);
                if (++_spins > _maxSpins)
                {
                    _state = State.Yielding;
                    _yields = 0;
                }
                break;
            case State.Yielding:
                if (++_yields > _maxYields)
                {
                    _state = State.Parking;
                    _park = _minPark;
                }
                else
                {
                    Thread.Yield();
                }
                break;
            case State.Parking:
                LibC.SleepNanoseconds(_park.Ticks * 100);
                TimeSpan doubled = _park + _park;
                _park = doubled > _maxPark ? _maxPark : doubled;
                break;
        }
    }

    public void Reset()
    {
        _state = State.NotIdle;
        _spins = 0;
        _yields = 0;
        _park = _minPark;
    }
}
