namespace TensorPool.Control;

/// <summary>
/// A max_rate_hz gate (wire spec §5, §11): lets the first frame of every interval through, judged on the frames' own
/// timestamps so a source that stalls does not burst afterwards. A timestamp going backwards (another clock, a restarted
/// producer) restarts the gate instead of starving it. <c>default</c> is a gate that has let nothing through yet. One
/// thread only.
/// </summary>
internal struct RateGate
{
    private bool _started;
    private long _lastNs;
    private long _nextNs;

    /// <summary>True when the frame stamped <paramref name="timestampNs"/> passes a gate of <paramref name="intervalNs"/> (it then starts the next interval).</summary>
    public bool TryPass(long timestampNs, long intervalNs)
    {
        if (_started && timestampNs < _nextNs && timestampNs >= _lastNs)
        {
            return false;
        }
        _started = true;
        _lastNs = timestampNs;
        _nextNs = timestampNs + intervalNs;
        return true;
    }
}
