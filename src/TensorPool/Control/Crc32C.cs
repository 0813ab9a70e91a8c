using System.Buffers.Binary;
using System.Numerics;

namespace TensorPool.Control;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of meta blobs (wire spec §15.9).
/// <c>Compute("123456789") == 0xE3069283</c>.
/// </summary>
/// <remarks>
/// The runtime's <see cref="BitOperations.Crc32C(uint, ulong)"/> does the work: the CPU's CRC-32C instruction where there
/// is one (x86-64 SSE4.2, arm64 CRC32), a software fallback elsewhere, so no platform needs code of its own here.
/// </remarks>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    /// <summary>Continue a running CRC state (start with 0xFFFFFFFF, finish with bitwise not).</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        // Eight bytes per step, little-endian as the reflected CRC reads them, then the tail a byte at a time.
        while (data.Length >= sizeof(ulong))
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }
        foreach (byte b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }
        return state;
    }
}
