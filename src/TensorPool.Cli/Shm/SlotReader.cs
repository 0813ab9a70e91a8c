using System.Globalization;
using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>
/// Reads one header slot the way a consumer does (§8.3, §15.21), without a FrameDescriptor: a private copy
/// taken between two seq_commit loads of the native seqlock, accepted only when the word did not change, then
/// every slot rule of the native core (<c>tp_frame_validate_slot</c>) on the copy. A slot that keeps changing
/// is retried a bounded number of times and then shown as writing: the reader never waits for a commit.
/// </summary>
internal static unsafe class SlotReader
{
    /// <summary>Copies tried before a slot that changes under every read is called "writing".</summary>
    public const int MaxAttempts = 16;

    /// <summary>
    /// Tests only: runs between the copy of a slot and the seqlock re-check, to play a producer that overwrites the
    /// slot exactly then (a real one does so at random). Null in normal use.
    /// </summary>
    internal static Action? AfterCopyForTests { get; set; }

    /// <param name="slot">The slot in the mapping (256 bytes).</param>
    /// <param name="index">Its index in the ring.</param>
    /// <param name="ring">The wrapped ring, or null for a bare slot file (its index is unknown).</param>
    /// <param name="pools">The ring's pools.</param>
    /// <param name="dataFrom">Bytes at the start of the slot that lie in a hole of a sparse file (0 when none).</param>
    /// <param name="dataTo">Where the data before the next hole ends within the slot (256 when it does not).</param>
    /// <remarks>
    /// Bytes in a hole read as zero; on tmpfs, reading them through the mapping would allocate their page, so
    /// they are taken as zero without being touched. A slot whose seq_commit is in a hole, or reads 0, was never
    /// committed: only its bytes in data are read, to tell empty from an abandoned write of sequence 0.
    /// </remarks>
    public static SlotReport Read(byte* slot, uint index, TpHeaderRing* ring, PoolSet pools,
        int dataFrom = 0, int dataTo = TpSlotConstants.HeaderSlotBytes)
    {
        const int slotBytes = TpSlotConstants.HeaderSlotBytes;
        byte* copy = stackalloc byte[slotBytes];
        var word = (ulong*)slot;
        ulong observed = 0;
        int result = (int)TpSeqlockResult.NotCommitted;
        if (dataFrom > 0)
        {
            // seq_commit lies in a hole: 0, never committed. Only the bytes past the hole can say more.
            new Span<byte>(copy, slotBytes).Clear();
            Buffer.MemoryCopy(slot + dataFrom, copy + dataFrom, slotBytes - dataFrom, dataTo - dataFrom);
        }
        else
        {
            result = (int)TpSeqlockResult.Changed;
        }
        for (int attempt = 0; attempt < MaxAttempts && result == (int)TpSeqlockResult.Changed; attempt++)
        {
            observed = NativeMethods.tp_seqlock_read_begin(word);
            int length = observed == 0 ? dataTo : slotBytes;
            Buffer.MemoryCopy(slot, copy, slotBytes, length);
            new Span<byte>(copy + length, slotBytes - length).Clear();
            AfterCopyForTests?.Invoke();
            result = NativeMethods.tp_seqlock_read_validate(word, observed, observed >> 1);
        }
        if (result == (int)TpSeqlockResult.NotCommitted && observed == 0 && IsZero(copy))
        {
            return new SlotReport { Index = index, State = SlotState.Empty, SeqCommit = 0 };
        }
        if (result != (int)TpSeqlockResult.Ok)
        {
            // In progress (commit bit 0), or rewritten during every copy: S1 WRITING (§15.21).
            return new SlotReport { Index = index, State = SlotState.Writing, SeqCommit = observed };
        }

        TpSlotFields fields;
        _ = NativeMethods.tp_header_slot_decode(&fields, copy);
        SlotHeaderView header = SlotHeaderView.From(fields, copy);
        var report = new SlotReport { Index = index, State = SlotState.Committed, SeqCommit = observed, Header = header };
        ulong seq = observed >> 1;
        if (ring is not null && NativeMethods.tp_header_ring_slot(ring, seq) != slot)
        {
            // A descriptor for this seq would look in another slot; any descriptor that leads here has another seq.
            return report with
            {
                Verdict = TpFrameStatus.DropSeqMismatch,
                Reason = string.Create(CultureInfo.InvariantCulture,
                    $"seq {seq} belongs in slot {seq & ring->Mask}, not in slot {index} (§10.2.1)"),
                PoolChecked = false,
            };
        }

        // A bare slot has no index: check it as if it sat where its payload_slot says (§15.5 is then not checked).
        uint headerIndex = ring is not null ? index : fields.PayloadSlot;
        PoolReport? pool = pools.Find(fields.PoolId);
        TpFrame frame;
        var status = (TpFrameStatus)Validate(&frame, copy, headerIndex, pools.Views);
        bool poolChecked = pool is { Status: "mapped" };
        if (status == TpFrameStatus.DropPoolUnknown && !poolChecked)
        {
            // Every rule before the pool's passed; the tensor rules after it need no pool (frame.h order).
            TpTensorLayout layout;
            status = (TpFrameStatus)NativeMethods.tp_tensor_layout_resolve(&layout, &fields);
        }
        return report with
        {
            Verdict = status,
            Reason = status == TpFrameStatus.Ok ? null : DropReasons.Describe(status, header, headerIndex, pool),
            PoolChecked = poolChecked,
            IndexChecked = ring is not null,
        };
    }

    private static int Validate(TpFrame* frame, byte* copy, uint headerIndex, ReadOnlySpan<TpPayloadPool> pools)
    {
        fixed (TpPayloadPool* p = pools)
        {
            return NativeMethods.tp_frame_validate_slot(frame, copy, headerIndex, pools.Length == 0 ? null : p, (uint)pools.Length);
        }
    }

    private static bool IsZero(byte* copy) =>
        !new ReadOnlySpan<byte>(copy, TpSlotConstants.HeaderSlotBytes).ContainsAnyExcept((byte)0);
}
