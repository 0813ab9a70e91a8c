using TensorPool.Driver.Configuration;

namespace TensorPool.Driver.Leases;

/// <summary>
/// Stream ids from configured ranges (driver spec §11): dynamic stream ids and per-consumer descriptor/control stream
/// ids. Allocation walks the ranges round-robin from where it last stopped, so a released id is reused last.
/// </summary>
internal sealed class IdRangeAllocator
{
    private readonly IdRange[] _ranges;
    private readonly HashSet<uint> _taken = [];
    private int _range;
    private uint _cursor;

    public IdRangeAllocator(IEnumerable<IdRange> ranges)
    {
        _ranges = [.. ranges];
        _cursor = _ranges.Length > 0 ? _ranges[0].Start : 0;
    }

    /// <summary>Whether any range is configured.</summary>
    public bool IsConfigured => _ranges.Length > 0;

    public int Taken => _taken.Count;

    public bool Contains(uint id) => _ranges.Any(r => r.Contains(id));

    /// <summary>Take a specific id: it must lie in a range and be free.</summary>
    public bool TryTake(uint id) => Contains(id) && _taken.Add(id);

    /// <summary>The next free id, or false when every range is exhausted (or none is configured).</summary>
    public bool TryAllocate(out uint id)
    {
        ulong total = 0;
        foreach (IdRange r in _ranges)
        {
            total += r.Count;
        }
        for (ulong tried = 0; tried < total; tried++)
        {
            uint candidate = _cursor;
            Advance();
            if (_taken.Add(candidate))
            {
                id = candidate;
                return true;
            }
        }
        id = 0;
        return false;
    }

    public void Release(uint id) => _taken.Remove(id);

    private void Advance()
    {
        if (_cursor < _ranges[_range].End)
        {
            _cursor++;
            return;
        }
        _range = (_range + 1) % _ranges.Length;
        _cursor = _ranges[_range].Start;
    }
}
