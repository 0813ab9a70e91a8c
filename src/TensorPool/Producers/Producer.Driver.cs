using System.Runtime.CompilerServices;
using System.Text;
using TensorPool.Diagnostics;
using TensorPool.DriverClient;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Producers;

/// <summary>The driver model (driver spec §4, §7): a producer whose regions a driver leases to it.</summary>
public sealed unsafe partial class Producer
{
    private DriverProducerLink? _driverLink;
    private ProducerOptions? _driverOptions;
    private long _dropsNoLease;
    private long _epochSwitches;

    /// <summary>True when the regions are leased from a driver (<see cref="Client.ClientOptions.Driver"/>).</summary>
    public bool UsesDriver => _driverLink is not null;

    /// <summary>Claims refused because the driver lease was lost and not yet granted again (§4.9).</summary>
    public long DropsNoLease => Volatile.Read(ref _dropsNoLease);

    /// <summary>Re-grants the producer switched to (each a new epoch, sequence restarting at 0).</summary>
    public long EpochSwitches => Volatile.Read(ref _epochSwitches);

    /// <summary>The driver lease (null without a driver).</summary>
    public DriverLease? DriverLease => _driverLink?.Lease;

    private static PayloadPoolInfo[] PoolInfos(ProducerAttachment attachment) =>
        [.. attachment.Pools.Select(p => new PayloadPoolInfo(p.PoolId, p.StrideBytes, p.Nslots, Encoding.ASCII.GetString(p.RegionUri)))];

    private void BindDriver(ProducerOptions options)
    {
        _driverLink = _attachment.DriverLink;
        if (_driverLink is not null)
        {
            _driverOptions = options;
        }
    }

    /// <summary>At each claim in driver mode: false (frame dropped) without a lease; switches to a new grant first.</summary>
    private bool DriverLeaseUsable()
    {
        ProducerAttachment? current = _driverLink!.Current;
        if (ReferenceEquals(current, _attachment))
        {
            return true;
        }
        if (current is null)
        {
            _dropsNoLease++;
            return false;
        }
        SwitchTo(current);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SwitchTo(ProducerAttachment next)
    {
        _attachment = next;
        _pools = next.Pools;
        _headerBase = next.HeaderBase;
        _mask = next.HeaderNslots - 1;
        _messages = new ProducerMessages(next, ProducerId, _driverOptions!);
        Pools = PoolInfos(next);
        HeaderRegionUri = Encoding.ASCII.GetString(next.HeaderRegionUri);
        _haveResolved = false;
        Volatile.Write(ref _nextSeq, 0); // §15.2: a new epoch starts its sequence again
        _epochSwitches++;
        _driverLink!.ReleaseAllBut(next);
        FaultPoint.At(FaultStep.EpochChange);
    }
}
