using System.Text;
using TensorPool.Sbe.Wire;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>Every field of a ShmPoolAnnounce, for crafting good and hostile announces.</summary>
internal sealed record AnnounceSpec
{
    public uint StreamId { get; init; }

    public ulong Epoch { get; init; }

    public ulong TimestampNs { get; init; }

    public byte ClockDomain { get; init; } = (byte)Sbe.Wire.ClockDomain.Monotonic;

    public uint LayoutVersion { get; init; } = 1;

    public uint HeaderNslots { get; init; }

    public ushort HeaderSlotBytes { get; init; } = 256;

    public string HeaderUri { get; init; } = "";

    public IReadOnlyList<(ushort Id, uint Nslots, uint Stride, string Uri)> Pools { get; init; } = [];

    /// <summary>What <paramref name="stream"/> would announce now.</summary>
    public static AnnounceSpec Of(CraftedStream stream, long nowNs) => new()
    {
        StreamId = stream.Options.StreamId,
        Epoch = stream.Epoch,
        TimestampNs = (ulong)nowNs,
        HeaderNslots = stream.Nslots,
        HeaderUri = Encoding.ASCII.GetString(stream.Attachment.HeaderRegionUri),
        Pools = [.. stream.Attachment.Pools.Select(p => (p.PoolId, p.Nslots, p.StrideBytes, Encoding.ASCII.GetString(p.RegionUri)))],
    };

    public byte[] Encode()
    {
        byte[] buffer = new byte[8192];
        var a = ShmPoolAnnounceEncoder.WrapAndApplyHeader(buffer);
        a.StreamId = StreamId;
        a.ProducerId = 1;
        a.Epoch = Epoch;
        a.AnnounceTimestampNs = TimestampNs;
        a.AnnounceClockDomain = (ClockDomain)ClockDomain;
        a.LayoutVersion = LayoutVersion;
        a.HeaderNslots = HeaderNslots;
        a.HeaderSlotBytes = HeaderSlotBytes;
        var pools = a.PayloadPoolsCount(Pools.Count);
        foreach ((ushort id, uint nslots, uint stride, string uri) in Pools)
        {
            pools.Next();
            pools.PoolId = id;
            pools.PoolNslots = nslots;
            pools.StrideBytes = stride;
            pools.PutRegionUri(Encoding.ASCII.GetBytes(uri));
        }
        a.PutHeaderRegionUri(Encoding.ASCII.GetBytes(HeaderUri));
        return buffer[..a.EncodedLength];
    }
}
