using System.Globalization;
using TensorPool.Native.Internal;

namespace TensorPool.Cli.Shm;

/// <summary>
/// The payload pools of a header ring, found beside it as &lt;pool_id&gt;.pool (the canonical layout, §15.21a.3)
/// when a slot first names them, mapped read-only and checked against the ring before their rules are used:
/// PAYLOAD_POOL, the ring's epoch and stream, the pool id of the file name, the ring's nslots (§9, §15.5), and
/// the exact size the superblock implies.
/// </summary>
internal sealed unsafe class PoolSet : IDisposable
{
    private readonly string? _directory;
    private readonly TpSuperblock _ring;
    private readonly Dictionary<ushort, PoolReport> _reports = [];
    private readonly List<MappedFile> _files = [];
    private TpPayloadPool[] _views = new TpPayloadPool[4];
    private int _count;

    /// <param name="directory">Where to look; null looks nowhere (every pool is then unavailable).</param>
    /// <param name="ring">The ring's superblock, which the pools must agree with.</param>
    public PoolSet(string? directory, in TpSuperblock ring)
    {
        _directory = directory;
        _ring = ring;
    }

    /// <summary>The pools looked for so far, by id.</summary>
    public IReadOnlyList<PoolReport> Reports => [.. _reports.Values.OrderBy(p => p.PoolId)];

    /// <summary>The mapped pools, as tp_frame_validate_slot takes them.</summary>
    public ReadOnlySpan<TpPayloadPool> Views => _views.AsSpan(0, _count);

    /// <summary>The pool with this id: looked for on first use; null when there is nowhere to look.</summary>
    public PoolReport? Find(ushort poolId)
    {
        if (_directory is null)
        {
            return null;
        }
        if (!_reports.TryGetValue(poolId, out PoolReport? report))
        {
            report = Load(poolId, Path.Combine(_directory, poolId.ToString(CultureInfo.InvariantCulture) + ".pool"));
            _reports.Add(poolId, report);
        }
        return report;
    }

    private PoolReport Load(ushort poolId, string path)
    {
        if (!MappedFile.TryOpen(path, out MappedFile? file, out string error, out bool missing))
        {
            return new PoolReport { PoolId = poolId, Path = path, Status = missing ? "missing" : "rejected", Reason = error };
        }
        TpSuperblock actual;
        int rc = NativeMethods.tp_superblock_read(&actual, file!.Base, file.Length);
        if (rc >= 0)
        {
            TpSuperblock expected = actual;
            expected.LayoutVersion = TpSuperblockConstants.LayoutVersion;
            expected.RegionType = (short)TpRegionType.PayloadPool;
            expected.Epoch = _ring.Epoch;
            expected.StreamId = _ring.StreamId;
            expected.PoolId = poolId;
            expected.Nslots = _ring.Nslots; // §9: every pool has the header ring's nslots in v1.2
            rc = NativeMethods.tp_superblock_validate(&actual, &expected);
        }
        string? reason = null;
        if (rc < 0)
        {
            reason = NativeFailure.Last(rc).Message;
        }
        else
        {
            ulong implied;
            _ = NativeMethods.tp_superblock_region_length(&implied, &actual);
            if (implied != file.Length)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"{file.Length} bytes but its superblock implies {implied}");
            }
        }
        TpPayloadPool view = default;
        if (reason is null && NativeMethods.tp_payload_pool_wrap(&view, file.Base, file.Length) is int wrc and < 0)
        {
            reason = NativeFailure.Last(wrc).Message;
        }
        if (reason is not null)
        {
            file.Dispose();
            return new PoolReport { PoolId = poolId, Path = path, Status = "rejected", Reason = reason };
        }
        _files.Add(file);
        if (_count == _views.Length)
        {
            Array.Resize(ref _views, _count * 2);
        }
        _views[_count++] = view;
        return new PoolReport { PoolId = poolId, Path = path, Status = "mapped", Nslots = view.Nslots, StrideBytes = view.StrideBytes };
    }

    public void Dispose()
    {
        foreach (MappedFile f in _files)
        {
            f.Dispose();
        }
        _files.Clear();
        _count = 0;
    }
}
