using System.Buffers.Binary;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.Producers;

/// <summary>
/// A producer's control messages, encoded once when it starts: everything in them is fixed for the epoch except a
/// timestamp or a sequence, which is patched in place before each send. Sending is then a few stores and an offer,
/// with no allocation and no re-encoding.
/// </summary>
internal sealed class ProducerMessages
{
    private const int Header = SbeMessageHeader.Size;

    private readonly byte[] _announce;
    private readonly byte[] _qos;
    private readonly byte[] _dataSource;
    private readonly byte[] _descriptor;
    private readonly byte[] _progress;

    public ProducerMessages(ProducerAttachment attachment, uint producerId, ProducerOptions options)
    {
        int announceLength = ShmPoolAnnounceEncoder.MinEncodedLength + attachment.HeaderRegionUri.Length + 8;
        foreach (AttachedPool pool in attachment.Pools)
        {
            announceLength += ShmPoolAnnounceEncoder.PayloadPoolsEncoder.BlockLength + 4 + pool.RegionUri.Length;
        }
        _announce = new byte[announceLength];
        var a = ShmPoolAnnounceEncoder.WrapAndApplyHeader(_announce);
        a.StreamId = attachment.StreamId;
        a.ProducerId = producerId;
        a.Epoch = attachment.Epoch;
        a.AnnounceClockDomain = ClockDomain.Monotonic; // §10.1.1: timestamps are CLOCK_MONOTONIC
        a.LayoutVersion = Native.Internal.TpSuperblockConstants.LayoutVersion;
        a.HeaderNslots = attachment.HeaderNslots;
        a.HeaderSlotBytes = Native.Internal.TpSlotConstants.HeaderSlotBytes;
        var pools = a.PayloadPoolsCount(attachment.Pools.Length);
        foreach (AttachedPool pool in attachment.Pools)
        {
            pools.Next();
            pools.PoolId = pool.PoolId;
            pools.PoolNslots = pool.Nslots; // §15.5: the header ring's nslots
            pools.StrideBytes = pool.StrideBytes;
            pools.PutRegionUri(pool.RegionUri);
        }
        a.PutHeaderRegionUri(attachment.HeaderRegionUri);
        Array.Resize(ref _announce, a.EncodedLength);

        _qos = new byte[QosProducerEncoder.MinEncodedLength];
        var q = QosProducerEncoder.WrapAndApplyHeader(_qos);
        q.StreamId = attachment.StreamId;
        q.ProducerId = producerId;
        q.Epoch = attachment.Epoch;

        byte[] dataSource = new byte[DataSourceAnnounceEncoder.MinEncodedLength + options.Name.Length + options.Summary.Length + 8];
        var d = DataSourceAnnounceEncoder.WrapAndApplyHeader(dataSource);
        d.StreamId = attachment.StreamId;
        d.ProducerId = producerId;
        d.Epoch = attachment.Epoch;
        d.MetaVersion = options.MetaVersion;
        d.PutName(options.Name.AsSpan());
        d.PutSummary(options.Summary.AsSpan());
        _dataSource = dataSource.AsSpan(0, d.EncodedLength).ToArray();

        _descriptor = new byte[FrameDescriptorEncoder.MinEncodedLength];
        var f = FrameDescriptorEncoder.WrapAndApplyHeader(_descriptor);
        f.StreamId = attachment.StreamId;
        f.Epoch = attachment.Epoch;

        _progress = new byte[FrameProgressEncoder.MinEncodedLength];
        var p = FrameProgressEncoder.WrapAndApplyHeader(_progress);
        p.StreamId = attachment.StreamId;
        p.Epoch = attachment.Epoch;
    }

    /// <summary>ShmPoolAnnounce stamped with <paramref name="nowNs"/> (announce_timestamp_ns).</summary>
    public ReadOnlySpan<byte> Announce(ulong nowNs)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_announce.AsSpan(Header + ShmPoolAnnounceDecoder.AnnounceTimestampNsOffset), nowNs);
        return _announce;
    }

    /// <summary>QosProducer with current_seq (§10.4.2).</summary>
    public ReadOnlySpan<byte> Qos(ulong currentSeq)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_qos.AsSpan(Header + QosProducerDecoder.CurrentSeqOffset), currentSeq);
        return _qos;
    }

    /// <summary>DataSourceAnnounce (§10.3.1) with the current meta_version (conductor thread).</summary>
    public ReadOnlySpan<byte> DataSource(uint metaVersion)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_dataSource.AsSpan(Header + DataSourceAnnounceDecoder.MetaVersionOffset), metaVersion);
        return _dataSource;
    }

    /// <summary>FrameProgress (§10.2.2) for frame <paramref name="seq"/> (producer thread).</summary>
    public ReadOnlySpan<byte> Progress(ulong seq, ulong bytesFilled, FrameProgressState state)
    {
        Span<byte> block = _progress.AsSpan(Header);
        BinaryPrimitives.WriteUInt64LittleEndian(block[FrameProgressDecoder.SeqOffset..], seq);
        BinaryPrimitives.WriteUInt64LittleEndian(block[FrameProgressDecoder.PayloadBytesFilledOffset..], bytesFilled);
        block[FrameProgressDecoder.StateOffset] = (byte)state;
        return _progress;
    }

    /// <summary>
    /// FrameDescriptor for one committed frame (§10.2.1); the timestamp is the null value unless given, the trace id 0
    /// (TraceLink §8.1: unset) unless the stream is traced or the caller gave one.
    /// </summary>
    public ReadOnlySpan<byte> Descriptor(ulong seq, uint metaVersion, ulong timestampNs, ulong traceId)
    {
        Span<byte> block = _descriptor.AsSpan(Header);
        BinaryPrimitives.WriteUInt64LittleEndian(block[FrameDescriptorDecoder.SeqOffset..], seq);
        BinaryPrimitives.WriteUInt64LittleEndian(block[FrameDescriptorDecoder.TimestampNsOffset..], timestampNs);
        BinaryPrimitives.WriteUInt32LittleEndian(block[FrameDescriptorDecoder.MetaVersionOffset..], metaVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(block[FrameDescriptorDecoder.TraceIdOffset..], traceId);
        return _descriptor;
    }
}
