using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace TensorPool.Control;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of meta blobs (wire spec §15.9). Uses the SSE4.2
/// <c>crc32</c> instruction when the CPU has it, else a table. <c>Compute("123456789") == 0xE3069283</c>.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    /// <summary>Continue a running CRC state (start with 0xFFFFFFFF, finish with bitwise not).</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong crc = state;
            while (data.Length >= 8)
            {
                crc = Sse42.X64.Crc32(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            state = (uint)crc;
            foreach (byte b in data)
            {
                state = Sse42.Crc32(state, b);
            }
            return state;
        }
        return AppendSoftware(state, data);
    }

    /// <summary>The table-driven path (also run by the tests against the hardware one).</summary>
    internal static uint AppendSoftware(uint state, ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        foreach (byte b in data)
        {
            state = table[(state ^ b) & 0xFF] ^ (state >> 8);
        }
        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}
