using System.Buffers.Binary;

namespace TensorPool.Transport.Tests;

/// <summary>Messages whose every byte follows from (sequence, length), so a torn or misplaced copy is detected.</summary>
internal static class Payloads
{
    public static byte[] Make(int sequence, int length)
    {
        var bytes = new byte[length];
        Fill(bytes, sequence);
        return bytes;
    }

    public static void Fill(Span<byte> bytes, int sequence)
    {
        if (bytes.Length >= 4)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes, sequence);
        }
        for (int i = Math.Min(4, bytes.Length); i < bytes.Length; i++)
        {
            bytes[i] = (byte)(sequence * 31 + i * 7);
        }
    }

    public static int SequenceOf(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadInt32LittleEndian(message);

    public static bool IsIntact(ReadOnlySpan<byte> message)
    {
        if (message.Length < 4)
        {
            return false;
        }
        int sequence = SequenceOf(message);
        for (int i = 4; i < message.Length; i++)
        {
            if (message[i] != (byte)(sequence * 31 + i * 7))
            {
                return false;
            }
        }
        return true;
    }
}
