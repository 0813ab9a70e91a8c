using System.Buffers.Binary;
using TensorPool.Producers;

namespace TensorPool.Bench.Matrix;

/// <summary>The bytes every frame of a cell carries, and the producer's publish: one copy into shared memory.</summary>
public sealed class FrameSource(int size)
{
    public const byte LastByte = 0xA5;

    private readonly byte[] _bytes = Fill(size);

    public int Size => _bytes.Length;

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Claim, copy the whole frame in, stamp sequence and phase, commit (§8.3: the claim time is the frame's timestamp).</summary>
    /// <exception cref="InvalidOperationException">No pool holds the frame (the cell sized its pool for it).</exception>
    public void Publish(Producer producer, long phase)
    {
        if (!producer.TryClaim(_bytes.Length, out FrameClaim claim))
        {
            throw new InvalidOperationException($"no payload pool holds {_bytes.Length} bytes");
        }
        _bytes.CopyTo(claim.Payload);
        BinaryPrimitives.WriteInt64LittleEndian(claim.Payload, (long)claim.Seq);
        BinaryPrimitives.WriteInt64LittleEndian(claim.Payload[8..], phase);
        producer.Commit(ref claim);
    }

    private static byte[] Fill(int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31);
        }
        bytes[^1] = LastByte;
        return bytes;
    }
}
