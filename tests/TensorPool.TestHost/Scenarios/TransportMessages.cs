using System.Buffers.Binary;

namespace TensorPool.TestHost.Scenarios;

/// <summary>
/// Self-checking messages of the transport stress tests: <c>{u32 publisher, u32 sequence, u32 length, u64 checksum}</c>
/// then a body that follows from (publisher, sequence). The length varies with the sequence (20 to 200 bytes), so
/// records land everywhere in the ring and padding records appear at every lap's end. A torn, misplaced or mixed-up
/// copy fails the checksum or the body check.
/// </summary>
public static class TransportMessages
{
    public const int HeaderLength = 20;
    public const int MaxLength = HeaderLength + 180;

    public static int LengthOf(int publisher, int sequence) =>
        HeaderLength + (int)(((uint)sequence * 7u + (uint)publisher * 13u) % 181u);

    /// <summary>Write message (<paramref name="publisher"/>, <paramref name="sequence"/>) into <paramref name="buffer"/>; returns its length.</summary>
    public static int Write(Span<byte> buffer, int publisher, int sequence)
    {
        int length = LengthOf(publisher, sequence);
        Span<byte> message = buffer[..length];
        BinaryPrimitives.WriteInt32LittleEndian(message, publisher);
        BinaryPrimitives.WriteInt32LittleEndian(message[4..], sequence);
        BinaryPrimitives.WriteInt32LittleEndian(message[8..], length);
        for (int i = HeaderLength; i < length; i++)
        {
            message[i] = BodyByte(publisher, sequence, i);
        }
        BinaryPrimitives.WriteUInt64LittleEndian(message[12..], Checksum(message));
        return length;
    }

    /// <summary>True when <paramref name="message"/> is a whole, untouched message; then its publisher and sequence.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out int publisher, out int sequence)
    {
        publisher = sequence = -1;
        if (message.Length < HeaderLength || BinaryPrimitives.ReadInt32LittleEndian(message[8..]) != message.Length ||
            BinaryPrimitives.ReadUInt64LittleEndian(message[12..]) != Checksum(message))
        {
            return false;
        }
        int p = BinaryPrimitives.ReadInt32LittleEndian(message);
        int s = BinaryPrimitives.ReadInt32LittleEndian(message[4..]);
        if (p < 0 || s < 0 || message.Length != LengthOf(p, s))
        {
            return false;
        }
        for (int i = HeaderLength; i < message.Length; i++)
        {
            if (message[i] != BodyByte(p, s, i))
            {
                return false;
            }
        }
        publisher = p;
        sequence = s;
        return true;
    }

    private static byte BodyByte(int publisher, int sequence, int index) =>
        (byte)(publisher * 131 + sequence * 31 + index * 7);

    /// <summary>FNV-1a over every byte but the checksum field itself.</summary>
    private static ulong Checksum(ReadOnlySpan<byte> message)
    {
        ulong hash = 14695981039346656037UL;
        for (int i = 0; i < message.Length; i++)
        {
            if (i is >= 12 and < HeaderLength)
            {
                continue;
            }
            hash = (hash ^ message[i]) * 1099511628211UL;
        }
        return hash;
    }
}
