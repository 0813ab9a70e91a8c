using System.Text.Json;
using System.Text.Json.Nodes;

namespace TensorPool.Sbe.Tests;

/// <summary>
/// Every message the reference implementation wrote (messages/, captured/) decodes to exactly the values
/// of its .json and re-encodes from those values to the identical bytes.
/// </summary>
public class ReferenceConformanceTests
{
    [TestCaseSource(typeof(ReferenceFiles), nameof(ReferenceFiles.Messages))]
    public void Decodes_to_the_reference_json(string file)
    {
        byte[] bytes = ReferenceFiles.Bytes(file);
        string expected = ReferenceFiles.Json(file);

        Assert.That(SbeJsonCodec.TryDecode(bytes, out string json, out int length, out SbeRejectReason reason), Is.True, reason.ToString());
        Assert.That(length, Is.EqualTo(bytes.Length));
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(expected)), Is.True, $"ours:\n{json}\nreference:\n{expected}");
        // The text form is the same too: sorted keys, one-space indent.
        Assert.That(json + "\n", Is.EqualTo(expected));
    }

    [TestCaseSource(typeof(ReferenceFiles), nameof(ReferenceFiles.Messages))]
    public void Reencodes_the_reference_json_to_identical_bytes(string file)
    {
        byte[] bytes = ReferenceFiles.Bytes(file);
        Assert.That(SbeJsonCodec.Encode(ReferenceFiles.Json(file)), Is.EqualTo(bytes));
    }

    [TestCaseSource(typeof(ReferenceFiles), nameof(ReferenceFiles.Messages))]
    public void Demultiplexer_dispatches_to_the_message_of_the_header(string file)
    {
        byte[] bytes = ReferenceFiles.Bytes(file);
        using JsonDocument expected = JsonDocument.Parse(ReferenceFiles.Json(file));
        var handler = new RecordingHandler();

        Assert.That(SbeDemultiplexer.Dispatch(bytes, handler), Is.EqualTo(SbeRejectReason.None));
        Assert.That(handler.Messages, Is.EqualTo(new[] { expected.RootElement.GetProperty("message").GetString() }));
    }

    [Test]
    public void Captured_frame_descriptor_has_null_timestamp_and_absent_trace_10_2_1()
    {
        byte[] bytes = ReferenceFiles.Bytes("captured/frame_descriptor_1.bin");

        Assert.That(Wire.FrameDescriptorDecoder.TryWrap(bytes, out var d, out SbeRejectReason reason), Is.True, reason.ToString());
        Assert.That(d.StreamId, Is.EqualTo(10000u));
        Assert.That(d.TimestampNs, Is.Null);
        Assert.That(d.TraceId, Is.Null, "trace_id 0 means absent (TraceLink §8.1)");
        Assert.That(d.MetaVersion, Is.EqualTo(0u));
        Assert.That(d.EncodedLength, Is.EqualTo(48));
    }

    [Test]
    public void Captured_attach_response_exposes_pools_and_uris()
    {
        byte[] bytes = ReferenceFiles.Bytes("captured/shm_attach_response_0.bin");

        Assert.That(Driver.ShmAttachResponseDecoder.TryWrap(bytes, out var d), Is.True);
        Assert.That(d.Code, Is.EqualTo(Driver.ResponseCode.Ok));
        Assert.That(d.LeaseId, Is.EqualTo(6473329437049800292UL));
        var pools = d.PayloadPools;
        Assert.That(pools.Count, Is.EqualTo(1));
        Assert.That(pools.MoveNext(), Is.True);
        Assert.That(pools.PoolId, Is.EqualTo(1));
        Assert.That(pools.StrideBytes, Is.EqualTo(1048576u));
        Assert.That(pools.GetRegionUriString(), Does.EndWith("/1.pool|require_hugepages=false"));
        Assert.That(pools.MoveNext(), Is.False);
        Assert.That(d.GetHeaderRegionUriString(), Does.EndWith("/header.ring|require_hugepages=false"));
        Assert.That(d.ErrorMessage.Length, Is.Zero, "absent var data is length 0 (§10.1)");
    }

    private sealed class RecordingHandler : SbeMessageHandler
    {
        public List<string> Messages { get; } = [];

        public override void OnShmPoolAnnounce(in Wire.ShmPoolAnnounceDecoder message) => Messages.Add(Wire.ShmPoolAnnounceDecoder.MessageName);
        public override void OnConsumerHello(in Wire.ConsumerHelloDecoder message) => Messages.Add(Wire.ConsumerHelloDecoder.MessageName);
        public override void OnConsumerConfig(in Wire.ConsumerConfigDecoder message) => Messages.Add(Wire.ConsumerConfigDecoder.MessageName);
        public override void OnFrameDescriptor(in Wire.FrameDescriptorDecoder message) => Messages.Add(Wire.FrameDescriptorDecoder.MessageName);
        public override void OnQosConsumer(in Wire.QosConsumerDecoder message) => Messages.Add(Wire.QosConsumerDecoder.MessageName);
        public override void OnQosProducer(in Wire.QosProducerDecoder message) => Messages.Add(Wire.QosProducerDecoder.MessageName);
        public override void OnDataSourceAnnounce(in Wire.DataSourceAnnounceDecoder message) => Messages.Add(Wire.DataSourceAnnounceDecoder.MessageName);
        public override void OnDataSourceMeta(in Wire.DataSourceMetaDecoder message) => Messages.Add(Wire.DataSourceMetaDecoder.MessageName);
        public override void OnMetaBlobAnnounce(in Wire.MetaBlobAnnounceDecoder message) => Messages.Add(Wire.MetaBlobAnnounceDecoder.MessageName);
        public override void OnMetaBlobChunk(in Wire.MetaBlobChunkDecoder message) => Messages.Add(Wire.MetaBlobChunkDecoder.MessageName);
        public override void OnMetaBlobComplete(in Wire.MetaBlobCompleteDecoder message) => Messages.Add(Wire.MetaBlobCompleteDecoder.MessageName);
        public override void OnControlResponse(in Wire.ControlResponseDecoder message) => Messages.Add(Wire.ControlResponseDecoder.MessageName);
        public override void OnShmAttachRequest(in Driver.ShmAttachRequestDecoder message) => Messages.Add(Driver.ShmAttachRequestDecoder.MessageName);
        public override void OnShmAttachResponse(in Driver.ShmAttachResponseDecoder message) => Messages.Add(Driver.ShmAttachResponseDecoder.MessageName);
        public override void OnShmDetachRequest(in Driver.ShmDetachRequestDecoder message) => Messages.Add(Driver.ShmDetachRequestDecoder.MessageName);
        public override void OnShmDetachResponse(in Driver.ShmDetachResponseDecoder message) => Messages.Add(Driver.ShmDetachResponseDecoder.MessageName);
        public override void OnShmLeaseKeepalive(in Driver.ShmLeaseKeepaliveDecoder message) => Messages.Add(Driver.ShmLeaseKeepaliveDecoder.MessageName);
        public override void OnShmLeaseRevoked(in Driver.ShmLeaseRevokedDecoder message) => Messages.Add(Driver.ShmLeaseRevokedDecoder.MessageName);
        public override void OnSequenceMergeMapAnnounce(in JoinBarrier.SequenceMergeMapAnnounceDecoder message) => Messages.Add(JoinBarrier.SequenceMergeMapAnnounceDecoder.MessageName);
        public override void OnSequenceMergeMapRequest(in JoinBarrier.SequenceMergeMapRequestDecoder message) => Messages.Add(JoinBarrier.SequenceMergeMapRequestDecoder.MessageName);
        public override void OnTimestampMergeMapAnnounce(in JoinBarrier.TimestampMergeMapAnnounceDecoder message) => Messages.Add(JoinBarrier.TimestampMergeMapAnnounceDecoder.MessageName);
        public override void OnTimestampMergeMapRequest(in JoinBarrier.TimestampMergeMapRequestDecoder message) => Messages.Add(JoinBarrier.TimestampMergeMapRequestDecoder.MessageName);
        public override void OnTraceLinkSet(in TraceLink.TraceLinkSetDecoder message) => Messages.Add(TraceLink.TraceLinkSetDecoder.MessageName);
    }
}
