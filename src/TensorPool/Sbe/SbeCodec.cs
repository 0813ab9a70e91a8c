using System.Buffers.Binary;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorPool.Sbe;

/// <summary>
/// Primitive reads, writes and checks the generated codecs are built from. Reads and writes are
/// unchecked: a codec calls them only at offsets inside a block whose length it checked when it
/// wrapped the buffer (an unwrapped codec holds an empty span and faults with a
/// <see cref="NullReferenceException"/> instead of touching memory). Little-endian hosts only (D1);
/// the byte swaps below fold away there.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SbeCodec
{
    /// <summary>Size of a group header (blockLength u16, numInGroup u16) and of a var-data length (u32).</summary>
    public const int SectionHeaderSize = 4;

    /// <summary>numInGroup is a uint16 whose 65535 is its null value; encoders write at most 65534 entries.</summary>
    public const int MaxGroupCount = 65534;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte At(ReadOnlySpan<byte> span, int offset) =>
        ref Unsafe.Add(ref MemoryMarshal.GetReference(span), (nint)(uint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte At(Span<byte> span, int offset) =>
        ref Unsafe.Add(ref MemoryMarshal.GetReference(span), (nint)(uint)offset);

    // The primitive reads and writes below are named by their type; one comment covers them all.
#pragma warning disable CS1591
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte ReadUInt8(ReadOnlySpan<byte> s, int offset) => At(s, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte ReadInt8(ReadOnlySpan<byte> s, int offset) => (sbyte)At(s, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ReadUInt16(ReadOnlySpan<byte> s, int offset) => LittleEndian(Unsafe.ReadUnaligned<ushort>(ref At(s, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short ReadInt16(ReadOnlySpan<byte> s, int offset) => (short)ReadUInt16(s, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadUInt32(ReadOnlySpan<byte> s, int offset) => LittleEndian(Unsafe.ReadUnaligned<uint>(ref At(s, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadInt32(ReadOnlySpan<byte> s, int offset) => (int)ReadUInt32(s, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadUInt64(ReadOnlySpan<byte> s, int offset) => LittleEndian(Unsafe.ReadUnaligned<ulong>(ref At(s, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ReadInt64(ReadOnlySpan<byte> s, int offset) => (long)ReadUInt64(s, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReadSingle(ReadOnlySpan<byte> s, int offset) => BitConverter.UInt32BitsToSingle(ReadUInt32(s, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ReadDouble(ReadOnlySpan<byte> s, int offset) => BitConverter.UInt64BitsToDouble(ReadUInt64(s, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt8(Span<byte> s, int offset, byte value) => At(s, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt8(Span<byte> s, int offset, sbyte value) => At(s, offset) = (byte)value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt16(Span<byte> s, int offset, ushort value) => Unsafe.WriteUnaligned(ref At(s, offset), LittleEndian(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt16(Span<byte> s, int offset, short value) => WriteUInt16(s, offset, (ushort)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt32(Span<byte> s, int offset, uint value) => Unsafe.WriteUnaligned(ref At(s, offset), LittleEndian(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt32(Span<byte> s, int offset, int value) => WriteUInt32(s, offset, (uint)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteUInt64(Span<byte> s, int offset, ulong value) => Unsafe.WriteUnaligned(ref At(s, offset), LittleEndian(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteInt64(Span<byte> s, int offset, long value) => WriteUInt64(s, offset, (ulong)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteSingle(Span<byte> s, int offset, float value) => WriteUInt32(s, offset, BitConverter.SingleToUInt32Bits(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteDouble(Span<byte> s, int offset, double value) => WriteUInt64(s, offset, BitConverter.DoubleToUInt64Bits(value));

#pragma warning restore CS1591

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort LittleEndian(ushort v) => BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint LittleEndian(uint v) => BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LittleEndian(ulong v) => BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);

    /// <summary>Throws <see cref="SbeBufferTooSmallException"/> unless <paramref name="capacity"/> ≥ <paramref name="required"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EnsureCapacity(int capacity, int required)
    {
        if (capacity < required)
        {
            ThrowTooSmall(capacity, required);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooSmall(int capacity, int required) => throw new SbeBufferTooSmallException(capacity, required);

    /// <summary>
    /// Checks the message header of a buffer for one message type: schemaId, templateId, a version no
    /// newer than the schema's (driver §4.4a). The common case (the exact header this schema writes,
    /// with its block in the buffer) is one compare; the block itself is checked by <see cref="TryCheckBlock"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryCheckHeader(ReadOnlySpan<byte> buffer, ushort schemaId, ushort templateId, ushort schemaVersion,
        ushort schemaBlockLength, out int blockLength, out ushort version, out SbeRejectReason reason)
    {
        if (buffer.Length >= SbeMessageHeader.Size + schemaBlockLength
            && ReadUInt64(buffer, 0) == SbeMessageHeader.Pack(schemaBlockLength, templateId, schemaId, schemaVersion))
        {
            blockLength = schemaBlockLength;
            version = schemaVersion;
            reason = SbeRejectReason.None;
            return true;
        }
        return TryCheckHeaderSlow(buffer, schemaId, templateId, schemaVersion, out blockLength, out version, out reason);
    }

    private static bool TryCheckHeaderSlow(ReadOnlySpan<byte> buffer, ushort schemaId, ushort templateId, ushort schemaVersion,
        out int blockLength, out ushort version, out SbeRejectReason reason)
    {
        blockLength = 0;
        version = 0;
        if (!SbeMessageHeader.TryRead(buffer, out SbeMessageHeader h))
        {
            reason = SbeRejectReason.Truncated;
            return false;
        }
        if (h.SchemaId != schemaId)
        {
            reason = SbeRejectReason.WrongSchemaId;
            return false;
        }
        if (h.TemplateId != templateId)
        {
            reason = SbeRejectReason.WrongTemplateId;
            return false;
        }
        if (h.Version > schemaVersion)
        {
            reason = SbeRejectReason.UnsupportedVersion;
            return false;
        }
        blockLength = h.BlockLength;
        version = h.Version;
        reason = SbeRejectReason.None;
        return true;
    }

    /// <summary>Checks that a block of <paramref name="blockLength"/> bytes at <paramref name="offset"/> holds the needed fields and fits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryCheckBlock(int bufferLength, int offset, int blockLength, int requiredBlockLength, out SbeRejectReason reason)
    {
        if (blockLength < requiredBlockLength)
        {
            reason = SbeRejectReason.BlockLengthTooSmall;
            return false;
        }
        if (bufferLength - offset < blockLength)
        {
            reason = SbeRejectReason.Truncated;
            return false;
        }
        reason = SbeRejectReason.None;
        return true;
    }

    /// <summary>
    /// Reads a var-data length prefix at <paramref name="position"/> and checks the bytes it announces:
    /// no more than <paramref name="maxLength"/> (the schema's maxValue) and inside the buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadVarData(ReadOnlySpan<byte> buffer, int position, uint maxLength, out int dataOffset, out int length,
        out SbeRejectReason reason)
    {
        dataOffset = 0;
        length = 0;
        if ((uint)position > (uint)buffer.Length || buffer.Length - position < SectionHeaderSize)
        {
            reason = SbeRejectReason.Truncated;
            return false;
        }
        uint raw = ReadUInt32(buffer, position);
        if (raw > maxLength)
        {
            reason = SbeRejectReason.VarLengthOverMax;
            return false;
        }
        if (raw > (uint)(buffer.Length - position - SectionHeaderSize))
        {
            reason = SbeRejectReason.VarLengthBeyondBuffer;
            return false;
        }
        dataOffset = position + SectionHeaderSize;
        length = (int)raw;
        reason = SbeRejectReason.None;
        return true;
    }

    /// <summary>
    /// Reads a group header at <paramref name="position"/>: its blockLength must hold the entry fields
    /// the acting version needs, and numInGroup entries of that block must fit in the rest of the buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadGroupHeader(ReadOnlySpan<byte> buffer, int position, int requiredBlockLength, out int blockLength,
        out int count, out SbeRejectReason reason)
    {
        blockLength = 0;
        count = 0;
        if ((uint)position > (uint)buffer.Length || buffer.Length - position < SectionHeaderSize)
        {
            reason = SbeRejectReason.Truncated;
            return false;
        }
        int bl = ReadUInt16(buffer, position);
        int n = ReadUInt16(buffer, position + 2);
        if (bl < requiredBlockLength)
        {
            reason = SbeRejectReason.GroupBlockLengthTooSmall;
            return false;
        }
        if ((long)bl * n > buffer.Length - position - SectionHeaderSize)
        {
            reason = SbeRejectReason.GroupCountBeyondBuffer;
            return false;
        }
        blockLength = bl;
        count = n;
        reason = SbeRejectReason.None;
        return true;
    }

    /// <summary>Checks a var-data value an encoder is asked to write against the schema's maxValue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckVarLength(int length, uint maxLength, string name)
    {
        if ((uint)length > maxLength)
        {
            ThrowVarTooLong(length, maxLength, name);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowVarTooLong(int length, uint maxLength, string name) =>
        throw new ArgumentOutOfRangeException(name, length, $"{name} is {length} bytes; the schema allows at most {maxLength}");

    /// <summary>
    /// Copies ASCII text as one byte a character, checking and narrowing in one vectorised pass;
    /// a character above 0x7F is a caller error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyAscii(ReadOnlySpan<char> text, Span<byte> destination, string name)
    {
        if (System.Text.Ascii.FromUtf16(text, destination, out _) != System.Buffers.OperationStatus.Done)
        {
            ThrowNotAscii(text, name);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotAscii(ReadOnlySpan<char> text, string name)
    {
        int i = 0;
        while (i < text.Length && text[i] <= 0x7F)
        {
            i++;
        }
        throw new ArgumentException($"{name} is not ASCII: U+{(int)text[i]:X4} at index {i}", name);
    }

    /// <summary>The bytes of a text var-data field as a string, one char per byte (Latin-1), so nothing is lost.</summary>
    public static string GetString(ReadOnlySpan<byte> bytes) => System.Text.Encoding.Latin1.GetString(bytes);

    /// <summary>Throws for an array index outside 0..length-1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckIndex(int index, int length, string name)
    {
        if ((uint)index >= (uint)length)
        {
            ThrowIndex(index, length, name);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowIndex(int index, int length, string name) =>
        throw new ArgumentOutOfRangeException(name, index, $"{name} has {length} elements");
}
