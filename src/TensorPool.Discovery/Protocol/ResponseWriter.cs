using System.Text;
using TensorPool.Discovery.Configuration;
using TensorPool.Sbe;
using TensorPool.Sbe.Discovery;

namespace TensorPool.Discovery.Protocol;

/// <summary>
/// Encodes DiscoveryResponse (§5.2) into one reusable buffer: OK with its results, NOT_FOUND and ERROR with an empty
/// results group, an error_message of at most 1,024 bytes. Each result carries the stream's full tag set, its name
/// byte for byte, pool_nslots equal to header_nslots (the index admits nothing else) and the authority of the driver
/// its announces came from. Each method returns the encoded bytes, valid until the next call.
/// </summary>
internal sealed class ResponseWriter
{
    /// <summary>v1.x fixes max_dims at 8 (§5.2).</summary>
    public const byte MaxDims = 8;

    private const int GroupHeader = 4;
    private const int VarHeader = 4;

    private byte[] _buffer = new byte[64 * 1024];

    /// <summary>The exact encoded length of an OK response holding <paramref name="entries"/>.</summary>
    public static int SizeOf(List<IndexEntry> entries, List<List<byte[]>> tags)
    {
        int size = SbeMessageHeader.Size + DiscoveryResponseEncoder.BlockLength + GroupHeader + VarHeader;
        for (int i = 0; i < entries.Count; i++)
        {
            IndexEntry e = entries[i];
            size += DiscoveryResponseEncoder.ResultsEncoder.BlockLength + GroupHeader + GroupHeader + 4 * VarHeader;
            foreach (IndexedPool p in e.Pools)
            {
                size += DiscoveryResponseEncoder.ResultsEncoder.PayloadPoolsEncoder.BlockLength + VarHeader + p.RegionUri.Length;
            }
            foreach (byte[] t in tags[i])
            {
                size += DiscoveryResponseEncoder.ResultsEncoder.TagsEncoder.BlockLength + VarHeader + t.Length;
            }
            size += e.HeaderRegionUri.Length + (e.NameIsCurrent ? e.Name.Length : 0) + e.Driver.InstanceId.Length + e.Driver.ControlChannel.Length;
        }
        return size;
    }

    /// <summary>status=OK with <paramref name="entries"/> (possibly none) and their tag sets.</summary>
    public ReadOnlySpan<byte> Ok(ulong requestId, List<IndexEntry> entries, List<List<byte[]>> tags, int size)
    {
        if (_buffer.Length < size)
        {
            _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
        }
        var r = DiscoveryResponseEncoder.WrapAndApplyHeader(_buffer);
        r.RequestId = requestId;
        r.Status = DiscoveryStatus.Ok;
        var results = r.ResultsCount(entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            IndexEntry e = entries[i];
            results.Next();
            results.StreamId = e.StreamId;
            results.ProducerId = e.ProducerId;
            results.Epoch = e.Epoch;
            results.LayoutVersion = e.LayoutVersion;
            results.HeaderNslots = e.HeaderNslots;
            results.HeaderSlotBytes = e.HeaderSlotBytes;
            results.MaxDims = MaxDims;
            results.DataSourceId = e.DataSourceId;
            results.DriverControlStreamId = e.Driver.ControlStreamId;
            var pools = results.PayloadPoolsCount(e.Pools.Length);
            foreach (IndexedPool p in e.Pools)
            {
                pools.Next();
                pools.PoolId = p.PoolId;
                pools.PoolNslots = p.PoolNslots;
                pools.StrideBytes = p.StrideBytes;
                pools.PutRegionUri(p.RegionUri);
            }
            var tagGroup = results.TagsCount(tags[i].Count);
            foreach (byte[] t in tags[i])
            {
                tagGroup.Next();
                tagGroup.PutTag(t);
            }
            results.PutHeaderRegionUri(e.HeaderRegionUri);
            results.PutDataSourceName(e.NameIsCurrent ? e.Name.AsSpan() : ReadOnlySpan<byte>.Empty);
            results.PutDriverInstanceId(e.Driver.InstanceId.AsSpan());
            results.PutDriverControlChannel(e.Driver.ControlChannel.AsSpan());
        }
        r.PutErrorMessage(ReadOnlySpan<byte>.Empty);
        return _buffer.AsSpan(0, r.EncodedLength);
    }

    /// <summary>status=NOT_FOUND: no visible stream matched (§5.2); the results group is empty.</summary>
    public ReadOnlySpan<byte> NotFound(ulong requestId) => Empty(requestId, DiscoveryStatus.NotFound, "");

    /// <summary>status=ERROR with <paramref name="message"/> (ASCII, at most 1,024 bytes, §5.2); the results group is empty.</summary>
    public ReadOnlySpan<byte> Error(ulong requestId, string message) => Empty(requestId, DiscoveryStatus.Error, message);

    private ReadOnlySpan<byte> Empty(ulong requestId, DiscoveryStatus status, string message)
    {
        var r = DiscoveryResponseEncoder.WrapAndApplyHeader(_buffer);
        r.RequestId = requestId;
        r.Status = status;
        r.ResultsCount(0);
        Span<byte> text = r.ReserveErrorMessage(Math.Min(message.Length, DiscoveryProviderOptions.MaxErrorMessageBytes));
        for (int i = 0; i < text.Length; i++)
        {
            char c = message[i];
            text[i] = c is >= ' ' and <= '~' ? (byte)c : (byte)'?';
        }
        return _buffer.AsSpan(0, r.EncodedLength);
    }

    /// <summary>For messages and logs: printable ASCII of <paramref name="bytes"/>, others as '?'.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            sb.Append(b is >= 0x20 and <= 0x7e ? (char)b : '?');
        }
        return sb.ToString();
    }
}
