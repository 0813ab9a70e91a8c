using System.Globalization;
using System.Text;
using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>
/// The human form: a few lines about the region, then one table row per slot (runs of empty slots folded
/// into one row), then the counts. Plain text with fixed minimum column widths, so it stays readable when
/// redirected and can be written while the slots are read.
/// </summary>
internal sealed class TextReportWriter(TextWriter output) : IReportWriter
{
    private static readonly (string Name, int Width, bool Right)[] Columns =
    [
        ("slot", 5, true), ("state", 9, false), ("seq", 6, true), ("pool", 4, true), ("pslot", 5, true),
        ("values_len", 10, true), ("dtype", 7, false), ("order", 6, false), ("shape", 12, false),
        ("strides", 12, false), ("meta", 4, true), ("timestamp_ns", 20, true), ("verdict", 0, false),
    ];

    private readonly StringBuilder _line = new();
    private uint? _emptyFirst;
    private uint _emptyLast;
    private bool _tableStarted;
    private bool _anyUnchecked;
    private bool _bareSlot;

    public void Begin(RegionReport region)
    {
        _bareSlot = region.Kind == RegionKind.HeaderSlot;
        string verdict = region.Valid ? "valid" : "INVALID: " + region.Diagnosis;
        output.WriteLine(F($"{region.Path}: {KindWords(region.Kind)}, {region.FileBytes} bytes: {verdict}"));
        if (region.Superblock is { } sb)
        {
            output.WriteLine(F($"  superblock  magic {Names.Magic(sb.Magic)}, layout_version {sb.LayoutVersion}, epoch {sb.Epoch}, ") +
                             F($"stream_id {sb.StreamId}, region_type {Names.RegionType(sb.RegionType)}, pool_id {sb.PoolId}"));
            output.WriteLine(F($"              nslots {sb.Nslots}, slot_bytes {sb.SlotBytes}, stride_bytes {sb.StrideBytes}, pid {sb.Pid}"));
            output.WriteLine(F($"              start_timestamp_ns {sb.StartTimestampNs}, activity_timestamp_ns {sb.ActivityTimestampNs}"));
        }
        if (region.Geometry is { } g)
        {
            output.WriteLine(F($"  geometry    {g.Nslots} slots of {g.SlotStrideBytes} bytes at offsets {g.FirstSlotOffset}..{g.LastSlotOffset}, region {g.RegionBytes} bytes"));
            if (region.Kind == RegionKind.Superblock)
            {
                output.WriteLine("  note        the file holds the superblock alone: no slots to read");
            }
        }
        if (_bareSlot)
        {
            output.WriteLine("  note        a bare header slot (no superblock): rules that need its ring index or pool are not checked");
        }
    }

    public void Slot(SlotReport slot)
    {
        if (slot.State == SlotState.Empty && !_bareSlot)
        {
            _emptyFirst ??= slot.Index;
            _emptyLast = slot.Index;
            return;
        }
        FlushEmpty();
        string index = _bareSlot ? "-" : Num(slot.Index);
        if (slot.State != SlotState.Committed || slot.Header is not { } h)
        {
            Row(index, Names.State(slot.State), slot.State == SlotState.Empty ? "-" : Num(slot.Seq));
            return;
        }
        string verdict = slot.Verdict == TpFrameStatus.Ok ? "OK" : VerdictWords(slot);
        if (!slot.PoolChecked && (slot.Verdict == TpFrameStatus.Ok || slot.Verdict >= TpFrameStatus.DropNdims))
        {
            verdict += "*";
            _anyUnchecked = true;
        }
        Row(index, "committed", Num(slot.Seq), Num(h.PoolId), Num(h.PayloadSlot), Num(h.ValuesLenBytes), Names.Dtype(h.Dtype),
            Names.MajorOrder(h.MajorOrder), Shape.Format(h.Dims), Shape.Format(h.Strides), Num(h.MetaVersion), Num(h.TimestampNs), verdict);
    }

    public void EmptySlots(uint first, uint count)
    {
        _emptyFirst ??= first;
        _emptyLast = first + count - 1;
    }

    public void End(SlotSummary summary)
    {
        FlushEmpty();
        if (!_tableStarted)
        {
            return;
        }
        output.WriteLine(F($"  slots       {summary.Committed} committed ({summary.Accepted} accepted, {summary.Dropped} dropped), ") +
                         F($"{summary.Writing} writing, {summary.Empty} empty"));
        foreach (PoolReport p in summary.Pools)
        {
            string detail = p.Status == "mapped"
                ? F($"mapped, {p.Nslots} slots of {p.StrideBytes} bytes")
                : p.Status + ": " + p.Reason;
            output.WriteLine(F($"  pool {p.PoolId,-6} {p.Path}: {detail}"));
        }
        if (_anyUnchecked)
        {
            output.WriteLine("  *           pool rules not checked (pool_id known, payload_slot in range, values_len_bytes <= stride_bytes, §10.2.1): " +
                             (_bareSlot ? "a bare slot has no pool" : "its <pool_id>.pool is not beside the ring or was rejected"));
        }
    }

    private void FlushEmpty()
    {
        if (_emptyFirst is not { } first)
        {
            return;
        }
        string index = first == _emptyLast ? Num(first) : Num(first) + "-" + Num(_emptyLast);
        _emptyFirst = null;
        Row(index, "empty");
    }

    private void Row(params string[] cells)
    {
        if (!_tableStarted)
        {
            _tableStarted = true;
            output.WriteLine();
            Write(Columns.Select(c => c.Name).ToArray());
        }
        Write(cells);
    }

    private void Write(string[] cells)
    {
        _line.Clear().Append("  ");
        for (int i = 0; i < cells.Length; i++)
        {
            (_, int width, bool right) = Columns[i];
            if (i > 0)
            {
                _line.Append("  ");
            }
            _line.Append(right ? cells[i].PadLeft(width) : i == cells.Length - 1 ? cells[i] : cells[i].PadRight(width));
        }
        output.WriteLine(_line.ToString().TrimEnd());
    }

    private static string VerdictWords(SlotReport slot)
    {
        string name = Names.Verdict(slot.Verdict);
        const string prefix = "TP_FRAME_";
        return (name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name) + ": " + slot.Reason;
    }

    private static string KindWords(RegionKind kind) => kind switch
    {
        RegionKind.HeaderRing => "header ring",
        RegionKind.PayloadPool => "payload pool",
        RegionKind.Superblock => "superblock",
        _ => "header slot",
    };

    private static string Num<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
