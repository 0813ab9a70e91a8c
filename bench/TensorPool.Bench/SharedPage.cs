using System.IO.MemoryMappedFiles;

namespace TensorPool.Bench;

/// <summary>
/// A file in /dev/shm mapped by a harness and its children: a 4 KiB page of words, the raw ping-pong words (the latency
/// floor) and a few control words (start signal, progress of each subscriber or consumer), each on its own 128-byte
/// line pair; then the futex-wake floor's send times.
/// </summary>
public sealed unsafe class SharedPage : IDisposable
{
    public const int Size = FutexStamps + (FutexStampCount * sizeof(long));

    /// <summary>How many per-consumer progress words the page holds (<see cref="ConsumerWord"/>).</summary>
    public const int MaxConsumers = 24;

    private const int Ping = 0;
    private const int Pong = 128;
    private const int Ready = 256;
    private const int Go = 384;
    private const int Progress = 512;
    private const int Consumers = 640;
    private const int FutexSeq = 3712; // after the consumer words (640 + 24 × 128)
    private const int FutexStamps = 4096;

    /// <summary>
    /// How many send times the futex-wake floor keeps in turn (<see cref="FutexStamp"/>): 0.4 s at 10 kHz, so a waiter
    /// held off the CPU still finds the time of every wake it slept through (a power of two).
    /// </summary>
    public const int FutexStampCount = 4096;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;

    public SharedPage(string path, bool create)
    {
        if (create)
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
            stream.SetLength(Size);
        }
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, Size, MemoryMappedFileAccess.ReadWrite);
        _view = _file.CreateViewAccessor(0, Size);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
    }

    public long* PingWord => (long*)(_base + Ping);

    public long* PongWord => (long*)(_base + Pong);

    public long* ReadyWord => (long*)(_base + Ready);

    public long* GoWord => (long*)(_base + Go);

    public long* ProgressWord => (long*)(_base + Progress);

    /// <summary>The progress word of consumer <paramref name="index"/> (0 ≤ index &lt; <see cref="MaxConsumers"/>).</summary>
    public long* ConsumerWord(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, MaxConsumers);
        return (long*)(_base + Consumers + (index * 128));
    }

    /// <summary>The 32-bit sequence word the futex-wake floor's waker bumps and its waiter sleeps on.</summary>
    public int* FutexWord => (int*)(_base + FutexSeq);

    /// <summary>The send time of futex-wake number <paramref name="seq"/> (kept for the last <see cref="FutexStampCount"/>).</summary>
    public long* FutexStamp(int seq) => (long*)(_base + FutexStamps) + (seq & (FutexStampCount - 1));

    /// <summary>Spin until <paramref name="word"/> holds at least <paramref name="value"/>; false after <paramref name="timeout"/>.</summary>
    public static bool SpinUntil(long* word, long value, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        int spins = 0;
        while (Volatile.Read(ref *word) < value)
        {
            if ((++spins & 0xFFFF) == 0 && Environment.TickCount64 > deadline)
            {
                return false;
            }
        }
        return true;
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
