using System.Text.Json;
using TensorPool.Cli.DataPath;
using TensorPool.Discovery;

namespace TensorPool.Cli.Discovery;

/// <summary>
/// <c>tp discover --json</c>: one object per stream on one line, keys as documented (docs/user-guide.md): streamId,
/// producerId, epoch, headerNslots, pools, dataSourceName, tags, driverInstanceId, driverControlChannel,
/// driverControlStreamId.
/// </summary>
internal static class DiscoverJson
{
    public static string Write(DiscoveredStream s) => JsonText.Object(w =>
    {
        w.WriteNumber("streamId", s.StreamId);
        w.WriteNumber("producerId", s.ProducerId);
        w.WriteNumber("epoch", s.Epoch);
        w.WriteNumber("headerNslots", s.HeaderNslots);
        w.WriteStartArray("pools");
        foreach (DiscoveredPool p in s.Pools)
        {
            w.WriteStartObject();
            w.WriteNumber("poolId", p.PoolId);
            w.WriteNumber("poolNslots", p.PoolNslots);
            w.WriteNumber("strideBytes", p.StrideBytes);
            w.WriteString("regionUri", p.RegionUri);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("dataSourceName", s.DataSourceName);
        w.WriteStartArray("tags");
        foreach (string t in s.Tags)
        {
            w.WriteStringValue(t);
        }
        w.WriteEndArray();
        w.WriteString("driverInstanceId", s.DriverInstanceId);
        w.WriteString("driverControlChannel", s.DriverControlChannel);
        w.WriteNumber("driverControlStreamId", s.DriverControlStreamId);
    });
}
