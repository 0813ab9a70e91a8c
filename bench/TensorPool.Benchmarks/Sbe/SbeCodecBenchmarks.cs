using BenchmarkDotNet.Attributes;
using TensorPool.Sbe;
using TensorPool.Sbe.Wire;

namespace TensorPool.Benchmarks.Sbe;

/// <summary>
/// Generated codecs on the hot control messages: FrameDescriptor (issue target ≤ 15 ns encode + decode with
/// header) and ShmPoolAnnounce with two pools and realistic URIs (≤ 100 ns), zero bytes allocated. The
/// baseline copies a FrameDescriptor's 48 bytes, measured in the same run.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SbeCodecBenchmarks
{
    private const string HeaderUri = "shm:file?path=/dev/shm/tensorpool-app/default/10000/1972072491687/header.ring|require_hugepages=false";
    private const string Pool1Uri = "shm:file?path=/dev/shm/tensorpool-app/default/10000/1972072491687/1.pool|require_hugepages=false";
    private const string Pool2Uri = "shm:file?path=/dev/shm/tensorpool-app/default/10000/1972072491687/2.pool|require_hugepages=false";

    private readonly byte[] _descriptor = new byte[64];
    private readonly byte[] _copy = new byte[64];
    private readonly byte[] _announce = new byte[1024];
    private ulong _seq;

    [Benchmark(Baseline = true, Description = "baseline: copy 48 bytes")]
    public int CopyDescriptorBytes()
    {
        _descriptor.AsSpan(0, 48).CopyTo(_copy);
        return _copy[8];
    }

    [Benchmark(Description = "FrameDescriptor encode + decode (with header)")]
    public ulong FrameDescriptorEncodeDecode()
    {
        Span<byte> buffer = _descriptor;
        var e = FrameDescriptorEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = 10000;
        e.Epoch = 1972072491687;
        e.Seq = ++_seq;
        e.TimestampNs = null;
        e.MetaVersion = 1;
        e.TraceId = null;
        int length = e.EncodedLength;

        if (!FrameDescriptorDecoder.TryWrap(buffer[..length], out var d, out _))
        {
            return 0;
        }
        return d.Seq + d.Epoch + d.StreamId + (d.TimestampNs ?? 0) + (d.MetaVersion ?? 0) + (d.TraceId ?? 0);
    }

    [Benchmark(Description = "ShmPoolAnnounce, 2 pools, encode + decode (string URIs)")]
    public long ShmPoolAnnounceEncodeDecode() => DecodeAnnounce(EncodeAnnounceFromStrings());

    [Benchmark(Description = "ShmPoolAnnounce, 2 pools, encode + decode (URI bytes)")]
    public long ShmPoolAnnounceEncodeDecodeBytes() => DecodeAnnounce(EncodeAnnounceFromBytes());

    [Benchmark(Description = "ShmPoolAnnounce, 2 pools, decode only")]
    public long ShmPoolAnnounceDecode() => DecodeAnnounce(_announceLength);

    private int _announceLength;

    private int EncodeAnnounceFromBytes()
    {
        var e = ShmPoolAnnounceEncoder.WrapAndApplyHeader(_announce);
        SetAnnounceFields(ref e);
        var pools = e.PayloadPoolsCount(2);
        SetPool(ref pools, 1, 1 << 20);
        pools.PutRegionUri("shm:file?path=/dev/shm/tensorpool-app/default/10000/1972072491687/1.pool|require_hugepages=false"u8);
        SetPool(ref pools, 2, 16 << 20);
        pools.PutRegionUri("shm:file?path=/dev/shm/tensorpool-app/default/10000/1972072491687/2.pool|require_hugepages=false"u8);
        e.PutHeaderRegionUri("shm:file?path=/dev/shm/tensorpool-app/default/10000/1972072491687/header.ring|require_hugepages=false"u8);
        return e.EncodedLength;
    }

    private int EncodeAnnounceFromStrings()
    {
        var e = ShmPoolAnnounceEncoder.WrapAndApplyHeader(_announce);
        SetAnnounceFields(ref e);
        var pools = e.PayloadPoolsCount(2);
        SetPool(ref pools, 1, 1 << 20);
        pools.PutRegionUri(Pool1Uri);
        SetPool(ref pools, 2, 16 << 20);
        pools.PutRegionUri(Pool2Uri);
        e.PutHeaderRegionUri(HeaderUri);
        return e.EncodedLength;
    }

    private static void SetAnnounceFields(ref ShmPoolAnnounceEncoder e)
    {
        e.StreamId = 10000;
        e.ProducerId = 7;
        e.Epoch = 1972072491687;
        e.AnnounceTimestampNs = 123456789;
        e.AnnounceClockDomain = ClockDomain.Monotonic;
        e.LayoutVersion = 1;
        e.HeaderNslots = 64;
        e.HeaderSlotBytes = 256;
    }

    private static void SetPool(ref ShmPoolAnnounceEncoder.PayloadPoolsEncoder pools, ushort poolId, uint strideBytes)
    {
        pools.Next();
        pools.PoolId = poolId;
        pools.PoolNslots = 64;
        pools.StrideBytes = strideBytes;
    }

    private long DecodeAnnounce(int length)
    {
        if (!ShmPoolAnnounceDecoder.TryWrap(_announce.AsSpan(0, length), out var d, out _))
        {
            return 0;
        }
        long sum = d.StreamId + (long)d.Epoch + d.HeaderNslots + d.HeaderRegionUri.Length;
        foreach (var pool in d.PayloadPools)
        {
            sum += pool.PoolId + pool.StrideBytes + pool.RegionUri.Length;
        }
        return sum;
    }

    [Benchmark(Description = "demultiplex + decode FrameDescriptor")]
    public int DemultiplexFrameDescriptor()
    {
        var handler = new CountingHandler();
        return (int)SbeDemultiplexer.Dispatch(_descriptor.AsSpan(0, 48), ref handler) + handler.Count;
    }

    [GlobalSetup]
    public void Setup()
    {
        FrameDescriptorEncodeDecode();
        _announceLength = EncodeAnnounceFromBytes();
    }

    private struct CountingHandler : ISbeMessageHandler
    {
        public int Count;

        public void OnFrameDescriptor(in FrameDescriptorDecoder message) => Count += (int)message.StreamId;
#pragma warning disable CA1822 // the interface needs instance methods
        public void OnShmPoolAnnounce(in ShmPoolAnnounceDecoder message) { }
        public void OnConsumerHello(in ConsumerHelloDecoder message) { }
        public void OnConsumerConfig(in ConsumerConfigDecoder message) { }
        public void OnFrameProgress(in FrameProgressDecoder message) { }
        public void OnQosConsumer(in QosConsumerDecoder message) { }
        public void OnQosProducer(in QosProducerDecoder message) { }
        public void OnShmRegionSuperblock(in ShmRegionSuperblockDecoder message) { }
        public void OnSlotHeader(in SlotHeaderDecoder message) { }
        public void OnTensorHeader(in TensorHeaderDecoder message) { }
        public void OnDataSourceAnnounce(in DataSourceAnnounceDecoder message) { }
        public void OnDataSourceMeta(in DataSourceMetaDecoder message) { }
        public void OnMetaBlobAnnounce(in MetaBlobAnnounceDecoder message) { }
        public void OnMetaBlobChunk(in MetaBlobChunkDecoder message) { }
        public void OnMetaBlobComplete(in MetaBlobCompleteDecoder message) { }
        public void OnControlResponse(in ControlResponseDecoder message) { }
        public void OnShmAttachRequest(in TensorPool.Sbe.Driver.ShmAttachRequestDecoder message) { }
        public void OnShmAttachResponse(in TensorPool.Sbe.Driver.ShmAttachResponseDecoder message) { }
        public void OnShmDetachRequest(in TensorPool.Sbe.Driver.ShmDetachRequestDecoder message) { }
        public void OnShmDetachResponse(in TensorPool.Sbe.Driver.ShmDetachResponseDecoder message) { }
        public void OnShmLeaseKeepalive(in TensorPool.Sbe.Driver.ShmLeaseKeepaliveDecoder message) { }
        public void OnShmDriverShutdown(in TensorPool.Sbe.Driver.ShmDriverShutdownDecoder message) { }
        public void OnShmLeaseRevoked(in TensorPool.Sbe.Driver.ShmLeaseRevokedDecoder message) { }
        public void OnShmDriverShutdownRequest(in TensorPool.Sbe.Driver.ShmDriverShutdownRequestDecoder message) { }
        public void OnSequenceMergeMapAnnounce(in TensorPool.Sbe.JoinBarrier.SequenceMergeMapAnnounceDecoder message) { }
        public void OnSequenceMergeMapRequest(in TensorPool.Sbe.JoinBarrier.SequenceMergeMapRequestDecoder message) { }
        public void OnTimestampMergeMapAnnounce(in TensorPool.Sbe.JoinBarrier.TimestampMergeMapAnnounceDecoder message) { }
        public void OnTimestampMergeMapRequest(in TensorPool.Sbe.JoinBarrier.TimestampMergeMapRequestDecoder message) { }
        public void OnTraceLinkSet(in TensorPool.Sbe.TraceLink.TraceLinkSetDecoder message) { }
        public void OnDiscoveryRequest(in TensorPool.Sbe.Discovery.DiscoveryRequestDecoder message) { }
        public void OnDiscoveryResponse(in TensorPool.Sbe.Discovery.DiscoveryResponseDecoder message) { }
#pragma warning restore CA1822
    }
}
