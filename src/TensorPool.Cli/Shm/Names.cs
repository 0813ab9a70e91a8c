using System.Globalization;
using TensorPool.Native.Internal;
using TensorPool.Sbe.Wire;

namespace TensorPool.Cli.Shm;

/// <summary>Schema names of the enum fields a report shows; an unassigned value shows as its number (§15.8: never guessed).</summary>
internal static class Names
{
    public static string Kind(RegionKind kind) => kind switch
    {
        RegionKind.HeaderRing => "header-ring",
        RegionKind.PayloadPool => "payload-pool",
        RegionKind.Superblock => "superblock",
        _ => "header-slot",
    };

    public static string State(SlotState state) => state switch
    {
        SlotState.Empty => "empty",
        SlotState.Writing => "writing",
        _ => "committed",
    };

    public static string RegionType(short raw) => ((RegionType)raw).ToSbeName() ?? Number(raw);

    public static string Dtype(short raw) => ((Dtype)raw).ToSbeName() ?? Number(raw);

    public static string MajorOrder(short raw) => ((MajorOrder)raw).ToSbeName() ?? Number(raw);

    public static string ProgressUnit(byte raw) => ((ProgressUnit)raw).ToSbeName() ?? Number(raw);

    /// <summary>The native name of a frame status: TP_FRAME_OK, TP_FRAME_DROP_EXTENT, ...</summary>
    public static string Verdict(TpFrameStatus status) =>
        NativeMethods.tp_frame_status_name_string((int)status) ?? Number((int)status);

    /// <summary>
    /// TPOLSHM1 for the superblock magic the spec names so (§7.1; its u64 value 0x544F504C53484D31 does not spell
    /// it in either byte order), else the value in hex.
    /// </summary>
    public static string Magic(ulong magic) =>
        magic == (ulong)TpSuperblockMagic.Magic ? "TPOLSHM1" : "0x" + magic.ToString("X16", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
