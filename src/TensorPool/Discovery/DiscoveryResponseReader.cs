using System.Text;
using TensorPool.Sbe.Discovery;

namespace TensorPool.Discovery;

/// <summary>
/// Turns a DiscoveryResponse into a <see cref="DiscoveryResult"/> by the client rules of discovery spec §5.2 and §7:
/// results on NOT_FOUND or ERROR are ignored; a result with an empty driver_control_channel or driver_instance_id, a
/// driver_control_stream_id or stream_id of 0, a pool whose pool_nslots differs from header_nslots, or header slots
/// other than 256 bytes is invalid and ignored; the rest are de-duplicated by (driver_instance_id, stream_id, epoch),
/// and of one (driver, stream) only the newest epoch is kept.
/// </summary>
internal static class DiscoveryResponseReader
{
    public static DiscoveryResult Read(in DiscoveryResponseDecoder response, DiscoveryStatus status)
    {
        int invalid = 0;
        int duplicates = 0;
        var streams = new List<DiscoveredStream>();
        if (status != DiscoveryStatus.Ok)
        {
            invalid = response.Results.Count; // §5.2: ignored whatever they hold
        }
        else
        {
            foreach (DiscoveryResponseDecoder.ResultsDecoder r in response.Results)
            {
                if (!IsValid(r))
                {
                    invalid++;
                    continue;
                }
                DiscoveredStream s = ToStream(r);
                int same = streams.FindIndex(x => x.DriverInstanceId == s.DriverInstanceId && x.StreamId == s.StreamId);
                if (same < 0)
                {
                    streams.Add(s);
                    continue;
                }
                duplicates++; // §7: one (driver, stream): the same epoch once, a stale one discarded
                if (s.Epoch > streams[same].Epoch)
                {
                    streams[same] = s;
                }
            }
        }
        return new DiscoveryResult
        {
            Status = status,
            ErrorMessage = Text(response.ErrorMessage),
            Streams = streams,
            InvalidResults = invalid,
            DuplicateResults = duplicates,
            RequestId = response.RequestId,
        };
    }

    private static bool IsValid(in DiscoveryResponseDecoder.ResultsDecoder r)
    {
        if (r.DriverControlChannel.Length == 0 || r.DriverControlStreamId == 0 || r.DriverInstanceId.Length == 0 ||
            r.StreamId == 0 || r.HeaderSlotBytes != 256)
        {
            return false;
        }
        foreach (DiscoveryResponseDecoder.ResultsDecoder.PayloadPoolsDecoder p in r.PayloadPools)
        {
            if (p.PoolNslots != r.HeaderNslots)
            {
                return false; // §5.2: a protocol error
            }
        }
        return true;
    }

    private static DiscoveredStream ToStream(in DiscoveryResponseDecoder.ResultsDecoder r)
    {
        var pools = new List<DiscoveredPool>(r.PayloadPools.Count);
        foreach (DiscoveryResponseDecoder.ResultsDecoder.PayloadPoolsDecoder p in r.PayloadPools)
        {
            pools.Add(new DiscoveredPool(p.PoolId, p.PoolNslots, p.StrideBytes, Text(p.RegionUri)));
        }
        var tags = new List<string>(r.Tags.Count);
        foreach (DiscoveryResponseDecoder.ResultsDecoder.TagsDecoder t in r.Tags)
        {
            tags.Add(Text(t.Tag));
        }
        return new DiscoveredStream
        {
            StreamId = r.StreamId,
            ProducerId = r.ProducerId,
            Epoch = r.Epoch,
            LayoutVersion = r.LayoutVersion,
            HeaderNslots = r.HeaderNslots,
            HeaderSlotBytes = r.HeaderSlotBytes,
            MaxDims = r.MaxDims,
            DataSourceId = r.DataSourceId,
            Pools = pools,
            Tags = tags,
            HeaderRegionUri = Text(r.HeaderRegionUri),
            DataSourceName = Text(r.DataSourceName),
            DriverInstanceId = Text(r.DriverInstanceId),
            DriverControlChannel = Text(r.DriverControlChannel),
            DriverControlStreamId = r.DriverControlStreamId,
        };
    }

    /// <summary>One character per byte (Latin-1): names and tags come back byte for byte (§5.1).</summary>
    private static string Text(ReadOnlySpan<byte> bytes) => bytes.Length == 0 ? "" : Encoding.Latin1.GetString(bytes);
}
