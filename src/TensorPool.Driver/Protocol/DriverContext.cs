using Microsoft.Extensions.Logging;
using TensorPool.Driver.Configuration;
using TensorPool.Driver.Leases;
using TensorPool.Driver.Shm;
using TensorPool.Native.Internal;
using TensorPool.Time;
using TensorPool.Transport;

namespace TensorPool.Driver.Protocol;

/// <summary>
/// The state the driver's handlers share, owned by the duty cycle's thread: nothing here is touched by another thread
/// (the public status is a published snapshot).
/// </summary>
internal sealed class DriverContext
{
    public DriverContext(DriverOptions options, ShmPolicy shm, IPublication control, IPublication announce, PathPolicyHandle allowedDirs,
        ILogger log, ulong leaseIdSeed, uint nodeIdSeed)
    {
        Options = options;
        Clock = options.Clock;
        Shm = shm;
        Control = control;
        Announce = announce;
        AllowedDirs = allowedDirs;
        Log = log;
        Leases = new LeaseTable(leaseIdSeed);
        NodeIds = new NodeIdAllocator((long)options.NodeIdReuseCooldownMs * 1_000_000L, nodeIdSeed);
        DynamicStreamIds = new IdRangeAllocator(options.StreamIdRange);
        DescriptorStreamIds = new IdRangeAllocator(options.DescriptorStreamIdRange);
        ControlStreamIds = new IdRangeAllocator(options.ControlStreamIdRange);
        Gc = new EpochGc(options.EpochGcKeep, options.EffectiveEpochGcMinAgeNs);
        // Announce payloads hold every pool's URI (up to 4 KiB each): size for the largest profile.
        int maxPools = options.Profiles.Max(p => p.PayloadPools.Count);
        Messages = new DriverMessages(Math.Max(64 * 1024, 256 + (maxPools + 1) * (TpUriConstants.ShmUriMaxLength + 32)));
    }

    public DriverOptions Options { get; }

    /// <summary>The pid of a driver that died holding this namespace (its claim was taken over), 0 otherwise (D176).</summary>
    public int DeadPredecessorPid { get; init; }

    public IClock Clock { get; }

    public ShmPolicy Shm { get; }

    public IPublication Control { get; }

    public IPublication Announce { get; }

    /// <summary>shm.allowed_base_dirs, canonicalised once (§15.21a.5): the driver checks its own files against it too (§9).</summary>
    public PathPolicyHandle AllowedDirs { get; }

    public ILogger Log { get; }

    public DriverMessages Messages { get; }

    public LeaseTable Leases { get; }

    public Dictionary<uint, DriverStream> Streams { get; } = [];

    public NodeIdAllocator NodeIds { get; }

    public IdRangeAllocator DynamicStreamIds { get; }

    public IdRangeAllocator DescriptorStreamIds { get; }

    public IdRangeAllocator ControlStreamIds { get; }

    public EpochGc Gc { get; }

    public DriverTallies Counters { get; } = new();

    /// <summary>The last epoch handed out by this run: every new epoch is above it (§6).</summary>
    public ulong LastEpoch { get; set; }

    /// <summary>Set by any change the status snapshot shows; cleared when it is republished.</summary>
    public bool StatusDirty { get; set; } = true;

    /// <summary>True once a shutdown request was accepted (§4.13): attaches are refused while draining.</summary>
    public bool IsDraining { get; set; }

    /// <summary>The embedded discovery provider (discovery spec §2.2), null when <c>discovery.enabled = false</c>.</summary>
    public Discovery.Protocol.DiscoveryProvider? Discovery { get; init; }

    /// <summary>The authority this driver's discovery results name (§5.2).</summary>
    public Discovery.Configuration.DriverIdentity? Identity { get; init; }

    public long Now => Clock.NanoTime();

    public void SendControl(ReadOnlySpan<byte> message) => Send(Control, message);

    public void SendAnnounce(ReadOnlySpan<byte> message) => Send(Announce, message);

    private void Send(IPublication publication, ReadOnlySpan<byte> message)
    {
        if (publication.Offer(message) < 0)
        {
            Counters.OfferFailuresCount++;
        }
    }
}
