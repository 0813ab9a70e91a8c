using System.Runtime.InteropServices;
using TensorPool.Consumers;
using TensorPool.Native.Internal;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.Control;

/// <summary>
/// The consumer's side of FrameProgress (wire spec §10.2.2), on its polling thread: every rule checked, every rejected
/// message counted by cause, the handler called only for progress that passed. No allocation after creation.
/// </summary>
internal sealed unsafe class ProgressReader : IDisposable
{
    private readonly uint _streamId;
    private readonly FrameProgressHandler _handler;
    private readonly byte* _slotCopy;
    private readonly TpFrame* _frame;
    private bool _have;
    private bool _poisoned;
    private ulong _epoch;
    private ulong _seq;
    private ulong _bytes;
    private long _delivered;
    private long _regressed;
    private long _overLength;
    private long _layout;
    private long _stale;
    private long _malformed;

    public ProgressReader(uint streamId, FrameProgressHandler handler)
    {
        _streamId = streamId;
        _handler = handler;
        _slotCopy = (byte*)NativeMemory.AlignedAlloc(TpSlotConstants.HeaderSlotBytes, 64);
        _frame = (TpFrame*)NativeMemory.AllocZeroed((nuint)sizeof(TpFrame));
    }

    public long Delivered => Volatile.Read(ref _delivered);

    public long Regressed => Volatile.Read(ref _regressed);

    public long OverLength => Volatile.Read(ref _overLength);

    public long Layout => Volatile.Read(ref _layout);

    public long Stale => Volatile.Read(ref _stale);

    public long Malformed => Volatile.Read(ref _malformed);

    public void OnMessage(ReadOnlySpan<byte> message, ConsumerMapping mapping)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header) ||
            header.SchemaId != FrameProgressDecoder.SchemaId || header.TemplateId != FrameProgressDecoder.TemplateId)
        {
            return; // other control traffic shares the stream
        }
        if (!FrameProgressDecoder.TryWrap(message, out FrameProgressDecoder p, out _))
        {
            _malformed++;
            return;
        }
        if (p.StreamId != _streamId)
        {
            return;
        }
        if (!p.TryGetState(out FrameProgressState state) || state == FrameProgressState.Unknown)
        {
            _malformed++;
            return;
        }
        ulong epoch = p.Epoch;
        ulong seq = p.Seq;
        ulong bytes = p.PayloadBytesFilled;
        if (!mapping.IsMapped || epoch != mapping.Epoch)
        {
            _stale++; // §10.2.1 applies as well: only the mapped epoch
            return;
        }
        if (_have && epoch == _epoch && seq == _seq)
        {
            if (_poisoned || bytes < _bytes)
            {
                _poisoned = true; // §10.2.2: MUST drop if it regresses; the rest of this frame's progress is not trusted
                _regressed++;
                return;
            }
        }
        else if (_have && epoch == _epoch && seq < _seq)
        {
            _stale++; // progress of an older frame than the one followed
            return;
        }
        else
        {
            _have = true;
            _epoch = epoch;
            _seq = seq;
            _bytes = 0;
            _poisoned = false;
        }
        // The slot must hold this sequence (in progress or committed) before and after the copy of its header.
        byte* slot = NativeMethods.tp_header_ring_slot(mapping.Ring, seq);
        ulong before = NativeMethods.tp_seqlock_read_begin((ulong*)slot);
        if (before >> 1 != seq)
        {
            _stale++;
            return;
        }
        Buffer.MemoryCopy(slot, _slotCopy, TpSlotConstants.HeaderSlotBytes, TpSlotConstants.HeaderSlotBytes);
        if (NativeMethods.tp_seqlock_read_begin((ulong*)slot) != before)
        {
            _stale++;
            return;
        }
        uint index = (uint)(seq & mapping.Ring->Mask);
        int status = NativeMethods.tp_frame_validate_slot(_frame, _slotCopy, index, mapping.Pools, mapping.PoolCount);
        if (status != (int)TpFrameStatus.Ok)
        {
            _layout++; // includes progress_unit / progress_stride_bytes (§10.2.2: the frame MUST be dropped)
            return;
        }
        _frame->Seq = seq;
        _frame->Slot = slot;
        if (bytes > _frame->Header.ValuesLenBytes)
        {
            _overLength++; // §10.2.2: payload_bytes_filled MUST be <= values_len_bytes
            return;
        }
        _bytes = bytes;
        _delivered++;
        long safe = SafePrefix(bytes);
        _handler(new FrameProgress(_frame, _streamId, epoch, state, bytes, safe >= 0, safe < 0 ? 0 : (ulong)safe));
    }

    /// <summary>§10.2.2 prefix safety: the safe byte count, or -1 when the count is informational only.</summary>
    private long SafePrefix(ulong bytes)
    {
        TpSlotFields* h = &_frame->Header;
        bool inferred = true;
        for (int i = 0; i < h->Ndims; i++)
        {
            inferred &= h->Strides[i] == 0;
        }
        if (inferred && h->PayloadOffset == 0)
        {
            return (long)bytes;
        }
        if ((h->ProgressUnit == (byte)ProgressUnit.Rows || h->ProgressUnit == (byte)ProgressUnit.Columns) && h->ProgressStrideBytes != 0)
        {
            return (long)(bytes - (bytes % h->ProgressStrideBytes));
        }
        return -1;
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_slotCopy);
        NativeMemory.Free(_frame);
    }
}
