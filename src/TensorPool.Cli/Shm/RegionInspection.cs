using System.Globalization;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;

namespace TensorPool.Cli.Shm;

/// <summary>
/// One file opened for <c>tp shm inspect</c>: what it is (<see cref="Region"/>) and, for a header ring or a bare
/// slot, its slots read one by one (<see cref="ReadSlots"/>), so memory stays flat whatever nslots says.
/// Every layout rule comes from the native core: superblock read and checks, the region length the superblock
/// implies, slot and pool addressing, slot decoding and frame validation. Nothing is read before the file's
/// size has been checked against what the superblock implies.
/// </summary>
internal sealed unsafe class RegionInspection : IDisposable
{
    private readonly MappedFile _file;
    private readonly TpHeaderRing _ring;

    private RegionInspection(MappedFile file, RegionReport region, TpHeaderRing ring)
    {
        _file = file;
        Region = region;
        _ring = ring;
    }

    public RegionReport Region { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and says what it holds. False with a one-line <paramref name="error"/> when
    /// it is not something to inspect at all (missing, not a regular file, too short, not a TensorPool layout);
    /// true otherwise, even for an invalid superblock or a wrong size (then <see cref="RegionReport.Diagnosis"/>).
    /// </summary>
    public static bool TryOpen(string path, out RegionInspection? inspection, out string error)
    {
        inspection = null;
        if (!MappedFile.TryOpen(path, out MappedFile? file, out error))
        {
            return false;
        }
        try
        {
            inspection = Classify(path, file!, out error);
            return inspection is not null;
        }
        finally
        {
            if (inspection is null)
            {
                file!.Dispose();
            }
        }
    }

    private static RegionInspection? Classify(string path, MappedFile file, out string error)
    {
        error = "";
        var region = new RegionReport { Path = path, FileBytes = file.Length, Kind = RegionKind.HeaderRing };
        if (file.Length < TpSuperblockConstants.SuperblockSize)
        {
            error = F($"{file.Length} bytes, shorter than the {TpSuperblockConstants.SuperblockSize}-byte superblock (§6)");
            return null;
        }
        TpSuperblock sb;
        _ = NativeMethods.tp_superblock_read(&sb, file.Base, file.Length);
        if (sb.Magic != (ulong)TpSuperblockMagic.Magic)
        {
            if (IsBareSlot(file))
            {
                return new RegionInspection(file, region with { Kind = RegionKind.HeaderSlot }, default);
            }
            error = NotARegion(file, &sb);
            return null;
        }

        region = region with
        {
            Superblock = sb,
            Kind = file.Length == TpSuperblockConstants.SuperblockSize ? RegionKind.Superblock
                : sb.RegionType == (short)TpRegionType.PayloadPool ? RegionKind.PayloadPool
                : RegionKind.HeaderRing,
        };
        int rc = NativeMethods.tp_superblock_check(&sb);
        if (rc < 0)
        {
            NativeFailure failure = NativeFailure.Last(rc);
            return new RegionInspection(file, region with { Diagnosis = failure.Message, DiagnosisCode = failure.Code }, default);
        }
        region = region with { Geometry = Geometry(&sb) };
        if (region.Kind == RegionKind.Superblock)
        {
            return new RegionInspection(file, region, default); // a saved superblock: valid, nothing after it to read
        }
        if (region.Geometry!.RegionBytes != file.Length)
        {
            // Checked before any slot is touched: nslots × 256 is never trusted beyond the file (§7.1, §15.1).
            string diagnosis = F($"{file.Length} bytes but its superblock implies {region.Geometry.RegionBytes} ") +
                F($"(64 + nslots {sb.Nslots} × {region.Geometry.SlotStrideBytes}): truncated or not this region's file");
            return new RegionInspection(file, region with { Diagnosis = diagnosis, DiagnosisCode = "TP_ERR_SIZE" }, default);
        }

        TpHeaderRing ring = default;
        rc = region.Kind == RegionKind.HeaderRing
            ? NativeMethods.tp_header_ring_wrap(&ring, file.Base, file.Length)
            : Wrap(file);
        if (rc < 0)
        {
            NativeFailure failure = NativeFailure.Last(rc);
            return new RegionInspection(file, region with { Diagnosis = failure.Message, DiagnosisCode = failure.Code }, default);
        }
        return new RegionInspection(file, region, ring);
    }

    private static int Wrap(MappedFile file)
    {
        TpPayloadPool pool;
        return NativeMethods.tp_payload_pool_wrap(&pool, file.Base, file.Length);
    }

    private static RegionGeometry Geometry(TpSuperblock* sb)
    {
        ulong length;
        _ = NativeMethods.tp_superblock_region_length(&length, sb);
        uint last = sb->Nslots - 1;
        return sb->RegionType == (short)TpRegionType.PayloadPool
            ? new RegionGeometry(sb->Nslots, sb->StrideBytes, NativeMethods.tp_payload_slot_offset(0, sb->StrideBytes),
                NativeMethods.tp_payload_slot_offset(last, sb->StrideBytes), length)
            : new RegionGeometry(sb->Nslots, TpSlotConstants.HeaderSlotBytes, NativeMethods.tp_header_slot_offset(0),
                NativeMethods.tp_header_slot_offset(last), length);
    }

    /// <summary>A 256-byte file holding a SlotHeader whose headerBytes is a TensorHeader message (§8.2).</summary>
    private static bool IsBareSlot(MappedFile file)
    {
        if (file.Length != TpSlotConstants.HeaderSlotBytes)
        {
            return false;
        }
        var bytes = new ReadOnlySpan<byte>(file.Base, TpSlotConstants.HeaderSlotBytes);
        return SlotHeaderDecoder.TryWrapBody(bytes, out SlotHeaderDecoder slot, out _) &&
               TensorHeaderDecoder.TryWrap(slot.HeaderBytes, out _, out _);
    }

    /// <summary>Why a file without the superblock magic is not inspected, naming what it looks like when we know.</summary>
    private static string NotARegion(MappedFile file, TpSuperblock* sb)
    {
        var bytes = new ReadOnlySpan<byte>(file.Base, (int)Math.Min(file.Length, 4096));
        if (BitConverter.ToUInt32(bytes) == (uint)TpLogLayout.Magic)
        {
            return "a tp:ipc log file (magic TPLG), not an SHM region";
        }
        if (file.Length == TpSlotConstants.TensorHeaderLength && TensorHeaderDecoder.TryWrap(bytes, out _, out _))
        {
            return F($"a bare TensorHeader message ({file.Length} bytes, §8.2), not an SHM region; `tp decode` prints it");
        }
        int rc = NativeMethods.tp_superblock_check(sb);
        return "not an SHM region: " + NativeFailure.Last(rc).Message;
    }

    /// <summary>
    /// Reads every slot of a header ring in index order (or the one bare slot) and hands each to
    /// <paramref name="writer"/>; a payload pool, a superblock or an invalid region has none.
    /// </summary>
    public SlotSummary ReadSlots(IReportWriter writer)
    {
        if (!Region.Valid || Region.Kind is RegionKind.PayloadPool or RegionKind.Superblock)
        {
            return new SlotSummary();
        }
        long empty = 0, writing = 0, committed = 0, accepted = 0, dropped = 0, unchecked_ = 0;
        void Count(SlotReport s)
        {
            switch (s.State)
            {
                case SlotState.Empty: empty++; break;
                case SlotState.Writing: writing++; break;
                default:
                    committed++;
                    if (s.Verdict == TpFrameStatus.Ok) { accepted++; } else { dropped++; }
                    if (!s.PoolChecked && s.Verdict is TpFrameStatus.Ok or >= TpFrameStatus.DropNdims) { unchecked_++; }
                    break;
            }
            writer.Slot(s);
        }

        if (Region.Kind == RegionKind.HeaderSlot)
        {
            using var none = new PoolSet(null, default);
            Count(SlotReader.Read(_file.Base, 0, null, none));
            return new SlotSummary { Empty = empty, Writing = writing, Committed = committed, Accepted = accepted, Dropped = dropped };
        }

        TpHeaderRing ring = _ring;
        using var pools = new PoolSet(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Region.Path)), Region.Superblock!.Value);
        ulong dataStart = 0, dataEnd = 0;
        for (uint i = 0; i < ring.Nslots;)
        {
            ulong offset = NativeMethods.tp_header_slot_offset(i);
            if (offset >= dataEnd)
            {
                (dataStart, dataEnd) = _file.DataFrom(offset);
                // Slots wholly inside a hole of a sparse file are zero: never written (S0), not worth reading.
                ulong holeSlots = Math.Min((dataStart - offset) / TpSlotConstants.HeaderSlotBytes, ring.Nslots - i);
                if (holeSlots > 0)
                {
                    empty += (long)holeSlots;
                    writer.EmptySlots(i, (uint)holeSlots);
                    i += (uint)holeSlots;
                    continue;
                }
            }
            // A slot that straddles a hole's edge is read only where it has data (see SlotReader).
            int dataFrom = offset < dataStart ? (int)(dataStart - offset) : 0;
            int dataTo = (int)Math.Min(dataEnd - offset, TpSlotConstants.HeaderSlotBytes);
            Count(SlotReader.Read(NativeMethods.tp_header_ring_slot(&ring, i), i, &ring, pools, dataFrom, dataTo));
            i++;
        }
        return new SlotSummary
        {
            Empty = empty, Writing = writing, Committed = committed, Accepted = accepted, Dropped = dropped,
            PoolUnchecked = unchecked_, Pools = pools.Reports,
        };
    }

    public void Dispose() => _file.Dispose();

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
