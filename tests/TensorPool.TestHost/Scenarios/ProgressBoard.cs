using System.IO.MemoryMappedFiles;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// A small shared file where test subscribers publish their stream positions so test publishers can stay within a
/// window of the slowest one that must not lose messages. Flow control of the test, not of the transport (which never
/// waits for subscribers).
/// </summary>
public sealed class ProgressBoard : IDisposable
{
    public const int Slots = 16;
    private const int SlotBytes = 128;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    public ProgressBoard(string path)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.OpenOrCreate, null, Slots * SlotBytes, MemoryMappedFileAccess.ReadWrite);
        _view = _file.CreateViewAccessor(0, Slots * SlotBytes);
    }

    public void Publish(int slot, long position) => _view.Write(slot * SlotBytes, position);

    public long Read(int slot) => _view.ReadInt64(slot * SlotBytes);

    /// <summary>The smallest position among <paramref name="slots"/> (the subscriber furthest behind).</summary>
    public long Min(IReadOnlyList<int> slots)
    {
        long min = long.MaxValue;
        foreach (int slot in slots)
        {
            min = Math.Min(min, Read(slot));
        }
        return min;
    }

    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
    }
}
