using System.Text;
using TensorPool.Control;

namespace TensorPool.Client.Tests.Control;

/// <summary>The meta blob checksum (§15.9): CRC-32C, bit for bit, however the data is split.</summary>
public class Crc32CTests
{
    [Test]
    public void Crc32C_of_123456789_is_the_check_value_15_9() =>
        Assert.That(Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")), Is.EqualTo(0xE3069283u));

    // RFC 3720 appendix B.4 (iSCSI uses CRC-32C); the empty input is 0.
    [TestCase(0, 0x00, 0x00000000u)]
    [TestCase(32, 0x00, 0x8A9136AAu)]
    [TestCase(32, 0xFF, 0x62A8AB43u)]
    public void Crc32C_matches_the_RFC_3720_vectors_of_constant_bytes(int length, int value, uint expected)
    {
        byte[] data = new byte[length];
        Array.Fill(data, (byte)value);
        Assert.That(Crc32C.Compute(data), Is.EqualTo(expected));
    }

    [Test]
    public void Crc32C_matches_the_RFC_3720_vectors_of_counting_bytes()
    {
        byte[] up = new byte[32];
        byte[] down = new byte[32];
        for (int i = 0; i < 32; i++)
        {
            up[i] = (byte)i;
            down[i] = (byte)(31 - i);
        }
        Assert.That(Crc32C.Compute(up), Is.EqualTo(0x46DD794Eu));
        Assert.That(Crc32C.Compute(down), Is.EqualTo(0x113FDB5Cu));
    }

    [Test]
    public void Crc32C_equals_the_bitwise_definition_for_every_length_and_alignment()
    {
        byte[] data = new byte[300];
        new Random(3).NextBytes(data);
        for (int offset = 0; offset < 8; offset++)
        {
            for (int length = 0; offset + length <= 200; length++)
            {
                ReadOnlySpan<byte> slice = data.AsSpan(offset, length);
                Assert.That(Crc32C.Compute(slice), Is.EqualTo(Bitwise(slice)), $"offset {offset}, length {length}");
            }
        }
        Assert.That(Crc32C.Compute(data), Is.EqualTo(Bitwise(data)));
    }

    [Test]
    public void Crc32C_appended_in_pieces_equals_crc_of_the_whole()
    {
        byte[] data = new byte[257];
        new Random(5).NextBytes(data);
        uint whole = Crc32C.Compute(data);
        for (int split = 0; split <= data.Length; split++)
        {
            uint state = Crc32C.Append(0xFFFFFFFFu, data.AsSpan(0, split));
            state = Crc32C.Append(state, data.AsSpan(split));
            Assert.That(~state, Is.EqualTo(whole), $"split at {split}");
        }
    }

    /// <summary>The definition, one bit at a time (reflected 0x82F63B78, initial and final inversion).</summary>
    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }
        return ~crc;
    }
}
