using System.Buffers.Binary;
using TensorPool.Sbe;
using Wire = TensorPool.Sbe.Wire;

namespace TensorPool.Fuzz.Targets;

/// <summary>
/// <c>shm-layouts</c>: the SHM layouts read from mapped memory without a message header (ShmRegionSuperblock,
/// SlotHeader, and the TensorHeader embedded in the slot). The first input byte picks the layout, the rest is the
/// mapped bytes. Invariants: the body decoders agree with the JSON decoder of the same bytes behind a header; an
/// accepted slot's embedded header lies inside the slot.
/// </summary>
internal sealed class ShmLayoutTarget : IFuzzTarget
{
    public string Name => "shm-layouts";

    public IEnumerable<byte[]> Seeds(Random random)
    {
        var superblock = new byte[1 + 64];
        var e = Wire.ShmRegionSuperblockEncoder.WrapBody(superblock.AsSpan(1));
        e.Magic = 0x544E53524F4F4C50;
        e.LayoutVersion = 1;
        e.Epoch = 7;
        e.StreamId = 10000;
        e.Nslots = 8;
        e.SlotBytes = 256;
        yield return superblock;

        var slot = new byte[1 + 256];
        slot[0] = 1;
        var s = Wire.SlotHeaderEncoder.WrapBody(slot.AsSpan(1));
        s.ValuesLenBytes = 64;
        s.PoolId = 1;
        Span<byte> tensor = slot.AsSpan(1 + 64, 192);
        var t = Wire.TensorHeaderEncoder.WrapAndApplyHeader(tensor);
        t.Ndims = 2;
        t.Dims[0] = 4;
        t.Dims[1] = 16;
        BinaryPrimitives.WriteUInt32LittleEndian(slot.AsSpan(1 + 60), 192);
        yield return slot;
    }

    public byte[]? Generate(Random random) => null;

    public string Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return "empty";
        }
        ReadOnlySpan<byte> body = input.AsSpan(1);
        if ((input[0] & 1) == 0)
        {
            bool ok = Wire.ShmRegionSuperblockDecoder.TryWrapBody(body, out var sb, out SbeRejectReason reason);
            CheckAgainstJson(body, 50, 64, ok, reason);
            return ok ? $"superblock:{(sb.RegionTypeRaw is 1 or 2 ? sb.RegionTypeRaw : 0)}" : "superblock:" + reason;
        }
        bool wrapped = Wire.SlotHeaderDecoder.TryWrapBody(body, out var slot, out SbeRejectReason why);
        CheckAgainstJson(body, 51, 60, wrapped, why);
        if (!wrapped)
        {
            return "slot:" + why;
        }
        ReadOnlySpan<byte> header = slot.HeaderBytes;
        if (header.Length > body.Length - 64 && header.Length > 0)
        {
            throw new FuzzFindingException($"embedded header of {header.Length} bytes in a {body.Length}-byte slot");
        }
        if (!Wire.TensorHeaderDecoder.TryWrap(header, out var tensor, out SbeRejectReason tensorWhy))
        {
            return "tensor:" + tensorWhy;
        }
        long sum = 0;
        for (int i = 0; i < 8; i++)
        {
            sum += tensor.Dims[i] + tensor.Strides[i];
        }
        _ = SbeJsonCodec.TryDecode(header, out _, out _, out _);
        return $"tensor:{Math.Min((int)tensor.Ndims, 9)}:{(sum == 0 ? 0 : 1)}";
    }

    /// <summary>The same bytes behind a message header decode the same way through the JSON decoder.</summary>
    private static void CheckAgainstJson(ReadOnlySpan<byte> body, ushort templateId, ushort blockLength, bool accepted, SbeRejectReason reason)
    {
        var framed = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(framed, blockLength);
        BinaryPrimitives.WriteUInt16LittleEndian(framed.AsSpan(2), templateId);
        BinaryPrimitives.WriteUInt16LittleEndian(framed.AsSpan(4), 900);
        BinaryPrimitives.WriteUInt16LittleEndian(framed.AsSpan(6), 1);
        body.CopyTo(framed.AsSpan(8));
        bool json = SbeJsonCodec.TryDecode(framed, out _, out _, out SbeRejectReason jsonReason);
        if (json != accepted || (!json && jsonReason != reason))
        {
            throw new FuzzFindingException($"template {templateId}: the body decoder says {(accepted ? "accepted" : reason)}, the JSON decoder {(json ? "accepted" : jsonReason)}");
        }
    }
}
