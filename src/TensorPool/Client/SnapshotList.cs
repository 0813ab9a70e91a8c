namespace TensorPool.Client;

/// <summary>
/// A copy-on-write list: writers (adding or removing, rare) copy the array under a lock; the conductor's duty cycle
/// reads <see cref="Items"/> with one volatile load, no lock and no allocation.
/// </summary>
internal sealed class SnapshotList<T>
    where T : class
{
    private readonly Lock _gate = new();
    private T[] _items = [];

    public T[] Items => Volatile.Read(ref _items);

    public void Add(T item)
    {
        lock (_gate)
        {
            Volatile.Write(ref _items, [.. _items, item]);
        }
    }

    public bool Remove(T item)
    {
        lock (_gate)
        {
            int index = Array.IndexOf(_items, item);
            if (index < 0)
            {
                return false;
            }
            T[] next = new T[_items.Length - 1];
            Array.Copy(_items, 0, next, 0, index);
            Array.Copy(_items, index + 1, next, index, _items.Length - index - 1);
            Volatile.Write(ref _items, next);
            return true;
        }
    }
}
