namespace TensorPool.TraceLink;

/// <summary>
/// A preallocated set of non-zero trace ids for one message at a time (open addressing, linear probing). Clearing is
/// a generation bump, so starting a new message costs nothing. Single-threaded.
/// </summary>
internal sealed class TraceIdSet
{
    private readonly ulong[] _keys;
    private readonly int[] _generations;
    private readonly int _mask;
    private int _generation = 1;
    private int _count;

    /// <param name="maxCount">The most ids added between two <see cref="Clear"/> calls.</param>
    public TraceIdSet(int maxCount)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, maxCount * 2));
        _keys = new ulong[size];
        _generations = new int[size];
        _mask = size - 1;
    }

    public int Count => _count;

    public void Clear()
    {
        _count = 0;
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_generations);
            _generation = 1;
        }
    }

    /// <summary>Adds <paramref name="id"/>; false when it is already in the set.</summary>
    public bool Add(ulong id)
    {
        // Fibonacci hashing spreads Snowflake ids, whose low bits (the sequence) are often zero.
        int slot = (int)((id * 0x9E3779B97F4A7C15UL) >> 32) & _mask;
        while (_generations[slot] == _generation)
        {
            if (_keys[slot] == id)
            {
                return false;
            }
            slot = (slot + 1) & _mask;
        }
        _generations[slot] = _generation;
        _keys[slot] = id;
        _count++;
        return true;
    }
}
