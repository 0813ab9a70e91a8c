using TensorPool.Sbe.Discovery;

namespace TensorPool.Discovery.Tests.Client;

/// <summary>Encodes DiscoveryResponse messages, well-formed or breaking a rule on purpose.</summary>
public static class ResponseBuilder
{
    public sealed record Item(uint StreamId = 10000, ulong Epoch = 5, string Instance = "driver-a", string Channel = "tp:ipc",
        uint ControlStreamId = 1000, uint HeaderNslots = 16, uint? PoolNslots = null, string Name = "cam", string[]? Tags = null,
        ushort SlotBytes = 256);

    public static byte[] Build(ulong requestId, DiscoveryStatus status, params Item[] items) => Build(requestId, (byte)status, items);

    public static byte[] Build(ulong requestId, byte status, Item[] items, ushort version = 1, string error = "")
    {
        var buffer = new byte[64 * 1024];
        var r = DiscoveryResponseEncoder.WrapAndApplyHeader(buffer);
        r.RequestId = requestId;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(6), version);
        buffer[8 + 8] = status;
        var results = r.ResultsCount(items.Length);
        foreach (Item i in items)
        {
            results.Next();
            results.StreamId = i.StreamId;
            results.ProducerId = 7;
            results.Epoch = i.Epoch;
            results.LayoutVersion = 1;
            results.HeaderNslots = i.HeaderNslots;
            results.HeaderSlotBytes = i.SlotBytes;
            results.MaxDims = 8;
            results.DriverControlStreamId = i.ControlStreamId;
            var pools = results.PayloadPoolsCount(1);
            pools.Next();
            pools.PoolId = 1;
            pools.PoolNslots = i.PoolNslots ?? i.HeaderNslots;
            pools.StrideBytes = 1024;
            pools.PutRegionUri("shm:file?path=/dev/shm/x/1.pool".AsSpan());
            string[] tags = i.Tags ?? [];
            var tagGroup = results.TagsCount(tags.Length);
            foreach (string t in tags)
            {
                tagGroup.Next();
                tagGroup.PutTag(System.Text.Encoding.Latin1.GetBytes(t));
            }
            results.PutHeaderRegionUri("shm:file?path=/dev/shm/x/header.ring".AsSpan());
            results.PutDataSourceName(System.Text.Encoding.Latin1.GetBytes(i.Name));
            results.PutDriverInstanceId(i.Instance.AsSpan());
            results.PutDriverControlChannel(i.Channel.AsSpan());
        }
        r.PutErrorMessage(error.AsSpan());
        return buffer.AsSpan(0, r.EncodedLength).ToArray();
    }
}
