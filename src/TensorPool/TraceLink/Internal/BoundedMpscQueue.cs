using System.ComponentModel;

namespace TensorPool.TraceLink.Internal;

/// <summary>
/// A bounded, preallocated, lock-free queue: many producers, one consumer (D. Vyukov's bounded queue, a sequence word
/// per cell). Producers claim one or more consecutive cells with one compare-and-swap, fill them in place and publish
/// each; a full queue refuses the claim at once (the caller counts the loss). The consumer peeks at the published cells
/// from the head, then releases them in order. Nothing allocates after construction and nobody ever waits.
/// </summary>
/// <remarks>
/// A claim of n cells needs only the last one to be free: the single consumer frees cells in order, so every cell
/// before a free one is free too. Cells are filled after the claim, so the consumer can meet a claimed cell not yet
/// published; it stops there (<see cref="Available"/>) and finds it on a later call.
/// </remarks>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BoundedMpscQueue<T>
    where T : struct
{
    private readonly Cell[] _cells;
    private readonly long _mask;
    private QueuePositions _positions;

    /// <param name="capacity">Cells, a power of two from 2 to 2^24.</param>
    public BoundedMpscQueue(int capacity)
    {
        if (capacity < 2 || capacity > (1 << 24) || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be a power of two from 2 to 2^24");
        }
        _cells = new Cell[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _cells[i].Sequence = i;
        }
        _mask = capacity - 1;
    }

    public int Capacity => _cells.Length;

    /// <summary>Cells claimed and not yet released (a snapshot: producers and the consumer move on meanwhile).</summary>
    public int Count => (int)Math.Clamp(Volatile.Read(ref _positions.Tail) - Volatile.Read(ref _positions.Head), 0, _cells.Length);

    /// <summary>Claims <paramref name="count"/> consecutive cells; false at once when they are not all free.</summary>
    public bool TryClaim(int count, out long position)
    {
        if (count < 1 || count > _cells.Length)
        {
            position = 0;
            return false;
        }
        while (true)
        {
            long tail = Volatile.Read(ref _positions.Tail);
            long last = tail + count - 1;
            long sequence = Volatile.Read(ref _cells[last & _mask].Sequence);
            long lag = sequence - last;
            if (lag == 0)
            {
                if (Interlocked.CompareExchange(ref _positions.Tail, tail + count, tail) == tail)
                {
                    position = tail;
                    return true;
                }
            }
            else if (lag < 0)
            {
                position = 0;
                return false; // the consumer has not released that cell yet: full
            }
            // else another producer claimed meanwhile: read the tail again
        }
    }

    /// <summary>The value of a claimed cell, to fill before <see cref="Publish"/>; or of a peeked cell, to read.</summary>
    public ref T this[long position] => ref _cells[position & _mask].Value;

    /// <summary>Makes claimed cells visible to the consumer, in order.</summary>
    public void Publish(long position, int count)
    {
        for (long p = position; p < position + count; p++)
        {
            Volatile.Write(ref _cells[p & _mask].Sequence, p + 1);
        }
    }

    /// <summary>Claims, fills and publishes one cell; false when the queue is full.</summary>
    public bool TryEnqueue(in T value)
    {
        if (!TryClaim(1, out long position))
        {
            return false;
        }
        this[position] = value;
        Publish(position, 1);
        return true;
    }

    /// <summary>The consumer's position: the first cell not yet released.</summary>
    public long Head => _positions.Head;

    /// <summary>Consumer only: how many cells from the head are published, up to <paramref name="max"/>.</summary>
    public int Available(int max)
    {
        long head = _positions.Head;
        int n = 0;
        while (n < max && n < _cells.Length && Volatile.Read(ref _cells[(head + n) & _mask].Sequence) == head + n + 1)
        {
            n++;
        }
        return n;
    }

    /// <summary>Consumer only: whether the cell at <paramref name="position"/> (at or after the head) is published.</summary>
    public bool IsPublished(long position) => Volatile.Read(ref _cells[position & _mask].Sequence) == position + 1;

    /// <summary>Consumer only: gives the first <paramref name="count"/> published cells back to the producers.</summary>
    public void Release(int count)
    {
        long head = _positions.Head;
        for (long p = head; p < head + count; p++)
        {
            ref Cell cell = ref _cells[p & _mask];
            cell.Value = default;
            Volatile.Write(ref cell.Sequence, p + _cells.Length);
        }
        Volatile.Write(ref _positions.Head, head + count);
    }

    /// <summary>Consumer only: copies up to <paramref name="destination"/>'s length of published values out and releases them.</summary>
    public int Drain(Span<T> destination)
    {
        int n = Available(destination.Length);
        long head = _positions.Head;
        for (int i = 0; i < n; i++)
        {
            destination[i] = this[head + i];
        }
        Release(n);
        return n;
    }

    private struct Cell
    {
        public long Sequence;
        public T Value;
    }
}
