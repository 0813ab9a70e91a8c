using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace TensorPool.Sbe;

/// <summary>
/// Where a generated encoder of a message with groups or var data has got to. The buffer always holds
/// a whole message: after the bytes written so far sits a "tail" of empty encodings (a group header with
/// count 0, a zero var-data length) for every section not yet written, so a section the caller skips is
/// simply empty and the encoded length is always known. Writing a section replaces its placeholder and
/// moves the (few bytes of) tail behind it. Sections must be written in schema order; groups must get
/// the number of entries they declared. Breaking either is a caller error
/// (<see cref="InvalidOperationException"/>). Used by generated code only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public struct SbeEncoderCursor
{
    /// <summary>Deepest group nesting the cursor tracks (the schema parser enforces it).</summary>
    public const int MaxDepth = 4;

    private int _limit;
    private int _tail;
    private int _depth;
    private int _serials;
    private Levels _levels;

    /// <summary>End of the encoded message in the buffer (its placeholders included).</summary>
    public readonly int Limit => _limit;

    /// <summary>True when every open group received all the entries it declared.</summary>
    public readonly bool IsComplete
    {
        get
        {
            for (int d = 1; d <= _depth; d++)
            {
                if (_levels[d].Remaining != 0)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>Writes the root placeholders after the block ending at <paramref name="blockEnd"/>.</summary>
    public void Initialize(Span<byte> buffer, int blockEnd, ReadOnlySpan<byte> placeholders)
    {
        placeholders.CopyTo(buffer[blockEnd..]);
        _limit = blockEnd + placeholders.Length;
        _tail = placeholders.Length;
        _depth = 0;
        _serials = 0;
        _levels[0] = new Level { Serial = 0, HasEntry = true, Section = 0, SectionCount = placeholders.Length / SbeCodec.SectionHeaderSize };
    }

    /// <summary>Throws unless every declared group entry was written; returns the encoded end.</summary>
    public readonly int CompleteLimit()
    {
        if (!IsComplete)
        {
            ThrowIncomplete();
        }
        return _limit;
    }

    /// <summary>
    /// Starts var data <paramref name="section"/> of the current entry at <paramref name="level"/>: writes
    /// its length and returns where its <paramref name="length"/> bytes go.
    /// </summary>
    public int BeginVarData(Span<byte> buffer, int level, int serial, int section, int length)
    {
        int p = Enter(level, serial, section);
        int dataStart = p + SbeCodec.SectionHeaderSize;
        SbeCodec.EnsureCapacity(buffer.Length, dataStart + length + _tail);
        if (_tail > 0)
        {
            buffer.Slice(dataStart, _tail).CopyTo(buffer[(dataStart + length)..]);
        }
        SbeCodec.WriteUInt32(buffer, p, (uint)length);
        _limit = dataStart + length + _tail;
        return dataStart;
    }

    /// <summary>
    /// Starts group <paramref name="section"/> of the current entry at <paramref name="level"/> with
    /// <paramref name="count"/> entries; returns the serial that identifies the open group.
    /// </summary>
    public int BeginGroup(Span<byte> buffer, int level, int serial, int section, int count)
    {
        if ((uint)count > SbeCodec.MaxGroupCount || level + 1 > MaxDepth)
        {
            ThrowBadGroup(count);
        }
        int p = Enter(level, serial, section);
        SbeCodec.WriteUInt16(buffer, p + 2, (ushort)count); // the placeholder already holds the group's blockLength
        _depth = level + 1;
        int newSerial = ++_serials;
        _levels[_depth] = new Level { Serial = newSerial, Remaining = count, Count = count };
        return newSerial;
    }

    /// <summary>
    /// Appends the next entry of the group open at <paramref name="level"/>: a zeroed block and the
    /// empty encodings of its sections. Returns the offset of the entry's block.
    /// </summary>
    public int NextEntry(Span<byte> buffer, int level, int serial, int blockLength, ReadOnlySpan<byte> placeholders)
    {
        CheckOpen(level, serial);
        CloseDeeper(level);
        ref Level g = ref _levels[level];
        if (g.HasEntry)
        {
            _tail -= (g.SectionCount - g.Section) * SbeCodec.SectionHeaderSize;
        }
        if (g.Remaining == 0)
        {
            ThrowTooManyEntries(g.Count);
        }
        int p = _limit - _tail;
        int insert = blockLength + placeholders.Length;
        SbeCodec.EnsureCapacity(buffer.Length, _limit + insert);
        if (_tail > 0)
        {
            buffer.Slice(p, _tail).CopyTo(buffer[(p + insert)..]);
        }
        buffer.Slice(p, blockLength).Clear();
        placeholders.CopyTo(buffer[(p + blockLength)..]);
        _limit += insert;
        _tail += placeholders.Length;
        g.Remaining--;
        g.HasEntry = true;
        g.Section = 0;
        g.SectionCount = placeholders.Length / SbeCodec.SectionHeaderSize;
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckOpen(int level, int serial)
    {
        if (level > _depth || _levels[level].Serial != serial)
        {
            ThrowClosed();
        }
    }

    private int Enter(int level, int serial, int section)
    {
        CheckOpen(level, serial);
        ref Level l = ref _levels[level];
        if (!l.HasEntry)
        {
            ThrowNoEntry();
        }
        CloseDeeper(level);
        if (section < l.Section)
        {
            ThrowOutOfOrder();
        }
        _tail -= (section - l.Section + 1) * SbeCodec.SectionHeaderSize;
        l.Section = section + 1;
        return _limit - _tail - SbeCodec.SectionHeaderSize;
    }

    private void CloseDeeper(int level)
    {
        for (int d = _depth; d > level; d--)
        {
            ref Level l = ref _levels[d];
            if (l.Remaining != 0)
            {
                ThrowMissingEntries(l.Count, l.Remaining);
            }
            if (l.HasEntry)
            {
                _tail -= (l.SectionCount - l.Section) * SbeCodec.SectionHeaderSize;
            }
            l.Serial = -1;
        }
        _depth = level;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadGroup(int count) =>
        throw new ArgumentOutOfRangeException(nameof(count), count,
            $"a group holds 0 to {SbeCodec.MaxGroupCount} entries and nests at most {MaxDepth} deep");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooManyEntries(int count) =>
        throw new InvalidOperationException($"the group declared {count} entries; Next() was called once more");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNoEntry() =>
        throw new InvalidOperationException("call Next() before writing the sections of a group entry");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOutOfOrder() =>
        throw new InvalidOperationException(
            "groups and var data must be written in schema order, each once; this one was already written or passed");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMissingEntries(int count, int remaining) =>
        throw new InvalidOperationException(
            $"a group declared {count} entries but only {count - remaining} were written before moving on");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowClosed() =>
        throw new InvalidOperationException("this group encoder is closed: a later section of its parent was written");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowIncomplete() =>
        throw new InvalidOperationException("a group has fewer entries than it declared");

    private struct Level
    {
        public int Serial;
        public int Remaining;
        public int Count;
        public int Section;
        public int SectionCount;
        public bool HasEntry;
    }

    [InlineArray(MaxDepth + 1)]
    private struct Levels
    {
        private Level _element;
    }
}
