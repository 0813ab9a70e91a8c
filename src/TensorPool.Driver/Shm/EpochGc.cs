namespace TensorPool.Driver.Shm;

/// <summary>
/// Epoch directory garbage collection (wire spec §15.21a.7, driver spec §17 <c>policies.epoch_gc_*</c>): per stream,
/// the current epoch plus the newest <c>epoch_gc_keep − 1</c> older ones stay; older ones go once they are at least
/// <c>epoch_gc_min_age_ns</c> old. Epochs whose creating process is dead (an earlier driver run, §10) are stale and
/// go once old enough whatever their rank; epochs of another live process are never touched.
/// </summary>
/// <remarks>Event driven: entries are tracked when an epoch is superseded or found on disk, and collected when the
/// oldest becomes eligible, so an idle driver does no file-system work.</remarks>
internal sealed class EpochGc
{
    /// <summary>Who created an epoch directory, as far as its superblock tells.</summary>
    internal enum Creator
    {
        ThisProcess,
        Dead,
        OtherLiveProcess,
        Unknown,
    }

    private sealed record Entry(uint StreamId, ulong Epoch, string Dir, long EligibleAtNs, Creator Creator);

    private readonly Dictionary<uint, List<Entry>> _byStream = [];
    private readonly int _keep;
    private readonly long _minAgeNs;
    private long _nextDueNs = long.MaxValue;

    public EpochGc(uint keep, ulong minAgeNs)
    {
        _keep = (int)Math.Min(keep, int.MaxValue);
        _minAgeNs = (long)Math.Min(minAgeNs, long.MaxValue);
    }

    public long MinAgeNs => _minAgeNs;

    /// <summary>Epoch directories tracked and not yet removed.</summary>
    public int Pending => _byStream.Values.Sum(l => l.Count);

    /// <summary>When <see cref="Collect"/> next has something to do.</summary>
    public long NextDueNs => _nextDueNs;

    /// <summary>Track an epoch that stopped being current (or was found on disk); it may go from <paramref name="eligibleAtNs"/> on.</summary>
    public void Track(uint streamId, ulong epoch, string dir, long eligibleAtNs, Creator creator)
    {
        if (!_byStream.TryGetValue(streamId, out List<Entry>? list))
        {
            list = [];
            _byStream.Add(streamId, list);
        }
        if (list.Exists(e => e.Epoch == epoch))
        {
            return;
        }
        list.Add(new Entry(streamId, epoch, dir, eligibleAtNs, creator));
        list.Sort((a, b) => b.Epoch.CompareTo(a.Epoch));
        _nextDueNs = Math.Min(_nextDueNs, eligibleAtNs);
    }

    /// <summary>
    /// Remove what is due at <paramref name="nowNs"/>. <paramref name="hasCurrent"/> says whether a stream has a current
    /// epoch (which counts towards the keep). Returns the directories removed; <paramref name="remove"/> does the unlink
    /// and says whether it succeeded (a refused directory is dropped from tracking, never retried in a loop).
    /// </summary>
    public int Collect(long nowNs, Func<uint, bool> hasCurrent, Func<string, bool> remove)
    {
        if (nowNs < _nextDueNs)
        {
            return 0;
        }
        int removed = 0;
        long next = long.MaxValue;
        foreach ((uint stream, List<Entry> list) in _byStream)
        {
            int keepOlder = Math.Max(0, _keep - (hasCurrent(stream) ? 1 : 0));
            int rank = 0;
            for (int i = 0; i < list.Count; i++)
            {
                Entry e = list[i];
                bool ranked = e.Creator is Creator.ThisProcess or Creator.Unknown;
                bool kept = e.Creator == Creator.OtherLiveProcess || (ranked && rank++ < keepOlder);
                if (kept)
                {
                    continue;
                }
                if (e.EligibleAtNs > nowNs)
                {
                    next = Math.Min(next, e.EligibleAtNs);
                    continue;
                }
                _ = remove(e.Dir);
                list.RemoveAt(i--);
                removed++;
            }
        }
        _nextDueNs = next;
        return removed;
    }

    /// <summary>Forget every entry and return the directories (the driver removes them at shutdown).</summary>
    public IEnumerable<string> Drain()
    {
        var dirs = _byStream.Values.SelectMany(l => l).Select(e => e.Dir).ToList();
        _byStream.Clear();
        _nextDueNs = long.MaxValue;
        return dirs;
    }
}
