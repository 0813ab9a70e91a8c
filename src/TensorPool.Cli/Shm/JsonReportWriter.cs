using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>
/// The <c>--json</c> form: one JSON object whose keys are stable and documented (docs/user-guide.md,
/// "Inspecting shared memory"). Empty slots are counted, not listed. Written while the slots are read.
/// </summary>
internal sealed class JsonReportWriter : IReportWriter, IDisposable
{
    private const int FlushBytes = 64 * 1024;

    private readonly TextWriter _output;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushBytes * 2);
    private readonly Utf8JsonWriter _json;
    private bool _slotsOpen;

    public JsonReportWriter(TextWriter output)
    {
        _output = output;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public void Begin(RegionReport region)
    {
        _json.WriteStartObject();
        _json.WriteString("path", region.Path);
        _json.WriteNumber("fileBytes", region.FileBytes);
        _json.WriteString("kind", Names.Kind(region.Kind));
        _json.WriteBoolean("valid", region.Valid);
        WriteStringOrNull("diagnosis", region.Diagnosis);
        WriteStringOrNull("diagnosisCode", region.DiagnosisCode);
        WriteObjectOrNull("superblock", region.Superblock, () => WriteSuperblock(region.Superblock!.Value));
        WriteObjectOrNull("geometry", region.Geometry, () => WriteGeometry(region.Geometry!));
        _json.WriteStartArray("slots");
        _slotsOpen = true;
    }

    public void Slot(SlotReport slot)
    {
        if (slot.State == SlotState.Empty)
        {
            return;
        }
        _json.WriteStartObject();
        _json.WriteNumber("index", slot.Index);
        _json.WriteString("state", Names.State(slot.State));
        _json.WriteNumber("seqCommit", slot.SeqCommit);
        _json.WriteNumber("seq", slot.Seq);
        if (slot.Header is { } h)
        {
            _json.WriteString("verdict", Names.Verdict(slot.Verdict));
            WriteStringOrNull("reason", slot.Reason);
            _json.WriteBoolean("poolChecked", slot.PoolChecked);
            _json.WriteBoolean("indexChecked", slot.IndexChecked);
            _json.WriteStartObject("header");
            _json.WriteNumber("valuesLenBytes", h.ValuesLenBytes);
            _json.WriteNumber("payloadSlot", h.PayloadSlot);
            _json.WriteNumber("poolId", h.PoolId);
            _json.WriteNumber("payloadOffset", h.PayloadOffset);
            _json.WriteNumber("timestampNs", h.TimestampNs);
            _json.WriteNumber("metaVersion", h.MetaVersion);
            _json.WriteString("dtype", Names.Dtype(h.Dtype));
            _json.WriteString("majorOrder", Names.MajorOrder(h.MajorOrder));
            _json.WriteNumber("ndims", h.Ndims);
            WriteInts("dims", h.Dims);
            WriteInts("strides", h.Strides);
            _json.WriteString("progressUnit", Names.ProgressUnit(h.ProgressUnit));
            _json.WriteNumber("progressStrideBytes", h.ProgressStrideBytes);
            _json.WriteEndObject();
        }
        _json.WriteEndObject();
        if (_buffer.WrittenCount + _json.BytesPending > FlushBytes)
        {
            Flush();
        }
    }

    public void EmptySlots(uint first, uint count)
    {
        // Empty slots are counted in the summary, not listed.
    }

    public void End(SlotSummary summary)
    {
        if (_slotsOpen)
        {
            _json.WriteEndArray();
        }
        _json.WriteStartObject("summary");
        _json.WriteNumber("empty", summary.Empty);
        _json.WriteNumber("writing", summary.Writing);
        _json.WriteNumber("committed", summary.Committed);
        _json.WriteNumber("accepted", summary.Accepted);
        _json.WriteNumber("dropped", summary.Dropped);
        _json.WriteNumber("poolUnchecked", summary.PoolUnchecked);
        _json.WriteEndObject();
        _json.WriteStartArray("pools");
        foreach (PoolReport p in summary.Pools)
        {
            _json.WriteStartObject();
            _json.WriteNumber("poolId", p.PoolId);
            _json.WriteString("path", p.Path);
            _json.WriteString("status", p.Status);
            WriteStringOrNull("reason", p.Reason);
            _json.WriteNumber("nslots", p.Nslots);
            _json.WriteNumber("strideBytes", p.StrideBytes);
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        _json.WriteEndObject();
        Flush();
        _output.WriteLine();
    }

    public void Dispose() => _json.Dispose();

    private void WriteSuperblock(TpSuperblock sb)
    {
        _json.WriteString("magic", Names.Magic(sb.Magic));
        _json.WriteNumber("layoutVersion", sb.LayoutVersion);
        _json.WriteNumber("epoch", sb.Epoch);
        _json.WriteNumber("streamId", sb.StreamId);
        _json.WriteString("regionType", Names.RegionType(sb.RegionType));
        _json.WriteNumber("poolId", sb.PoolId);
        _json.WriteNumber("nslots", sb.Nslots);
        _json.WriteNumber("slotBytes", sb.SlotBytes);
        _json.WriteNumber("strideBytes", sb.StrideBytes);
        _json.WriteNumber("pid", sb.Pid);
        _json.WriteNumber("startTimestampNs", sb.StartTimestampNs);
        _json.WriteNumber("activityTimestampNs", sb.ActivityTimestampNs);
    }

    private void WriteGeometry(RegionGeometry g)
    {
        _json.WriteNumber("nslots", g.Nslots);
        _json.WriteNumber("slotStrideBytes", g.SlotStrideBytes);
        _json.WriteNumber("firstSlotOffset", g.FirstSlotOffset);
        _json.WriteNumber("lastSlotOffset", g.LastSlotOffset);
        _json.WriteNumber("regionBytes", g.RegionBytes);
    }

    /// <summary>An object whose members <paramref name="writeMembers"/> writes, or null when <paramref name="value"/> is.</summary>
    private void WriteObjectOrNull(string name, object? value, Action writeMembers)
    {
        if (value is null)
        {
            _json.WriteNull(name);
            return;
        }
        _json.WriteStartObject(name);
        writeMembers();
        _json.WriteEndObject();
    }

    private void WriteStringOrNull(string name, string? value)
    {
        if (value is null)
        {
            _json.WriteNull(name);
        }
        else
        {
            _json.WriteString(name, value);
        }
    }

    private void WriteInts(string name, int[] values)
    {
        _json.WriteStartArray(name);
        foreach (int v in values)
        {
            _json.WriteNumberValue(v);
        }
        _json.WriteEndArray();
    }

    private void Flush()
    {
        _json.Flush();
        _output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _buffer.Clear();
    }
}
