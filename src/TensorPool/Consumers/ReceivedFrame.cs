using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using TensorPool.Frames;
using TensorPool.Sbe.Wire;

namespace TensorPool.Consumers;

/// <summary>
/// A frame copied out of shared memory into a pooled buffer by <see cref="Consumer.ReadFramesAsync"/>: safe to keep
/// and to use on any thread. Dispose it to return the buffer to the pool.
/// </summary>
public sealed class ReceivedFrame : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    internal ReceivedFrame(in Frame frame, byte[] buffer)
    {
        _buffer = buffer;
        _length = (int)frame.ValuesLenBytes;
        StreamId = frame.StreamId;
        Epoch = frame.Epoch;
        Seq = frame.Seq;
        TimestampNs = frame.TimestampNs;
        MetaVersion = frame.MetaVersion;
        PoolId = frame.PoolId;
        Dtype = frame.Dtype;
        MajorOrder = frame.MajorOrder;
        Dims = frame.Dims.ToArray();
        Strides = frame.Strides.ToArray();
    }

    public uint StreamId { get; }

    public ulong Epoch { get; }

    public ulong Seq { get; }

    /// <summary>Capture time from the slot header (CLOCK_MONOTONIC ns).</summary>
    public ulong TimestampNs { get; }

    public uint MetaVersion { get; }

    public ushort PoolId { get; }

    public Dtype Dtype { get; }

    public MajorOrder MajorOrder { get; }

    /// <summary>The shape.</summary>
    public IReadOnlyList<int> Dims { get; }

    /// <summary>Effective byte strides (inferred values resolved).</summary>
    public IReadOnlyList<int> Strides { get; }

    /// <summary>The copied payload.</summary>
    /// <exception cref="ObjectDisposedException">The frame was disposed.</exception>
    public ReadOnlyMemory<byte> Payload => new(_buffer ?? throw new ObjectDisposedException(nameof(ReceivedFrame)), 0, _length);

    /// <summary>The copy as a tensor of <typeparamref name="T"/> with the frame's shape and strides.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match the dtype, or a stride is not a whole number of elements.</exception>
    public unsafe ReadOnlyTensorSpan<T> AsTensorSpan<T>()
        where T : unmanaged
    {
        if (!DtypeInfo.CanView<T>(Dtype) || sizeof(T) != DtypeInfo.ElementSize(Dtype))
        {
            throw new InvalidOperationException($"a {Dtype} frame cannot be viewed as {typeof(T).Name}");
        }
        var lengths = new nint[Dims.Count];
        var strides = new nint[Dims.Count];
        for (int i = 0; i < lengths.Length; i++)
        {
            if (Strides[i] % sizeof(T) != 0)
            {
                throw new InvalidOperationException($"stride {i} ({Strides[i]} bytes) is not a whole number of {typeof(T).Name} elements");
            }
            lengths[i] = Dims[i];
            strides[i] = Strides[i] / sizeof(T);
        }
        ReadOnlySpan<T> values = MemoryMarshal.Cast<byte, T>(Payload.Span);
        return new ReadOnlyTensorSpan<T>(values, lengths, strides);
    }

    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
