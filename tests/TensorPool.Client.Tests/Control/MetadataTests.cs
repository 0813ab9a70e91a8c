using TensorPool.Client.Tests.DataPath;
using TensorPool.Control;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;

namespace TensorPool.Client.Tests.Control;

public class MetadataTests
{
    [Test]
    public void Data_source_announce_and_meta_reach_the_cache_and_set_metadata_bumps_meta_version_10_3()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(new ProducerOptions
        {
            Name = "camera-1", Metadata = [MetaAttribute.Text("camera_serial", "A123")], MetaVersion = 4,
        });
        h.Work();
        Assert.That(h.Client.Metadata.TryGetSource(producer.StreamId, out DataSourceInfo info), Is.True);
        Assert.That(info.Name, Is.EqualTo("camera-1"));
        Assert.That(info.MetaVersion, Is.EqualTo(4));
        Assert.That(h.Client.Metadata.TryGetMetadata(producer.StreamId, 4, out DataSourceMetadata meta), Is.True);
        Assert.That(meta.Find("camera_serial")!.ValueText, Is.EqualTo("A123"));

        uint v = producer.SetMetadata([MetaAttribute.Text("camera_serial", "B456"), new MetaAttribute("gain", "application/json", "{\"db\":3}"u8.ToArray())]);
        Assert.That(v, Is.EqualTo(5));
        Assert.That(producer.TryClaim(10, out FrameClaim claim), Is.True);
        Assert.That(claim.MetaVersion, Is.EqualTo(5), "frames reference the new version");
        producer.Abort(ref claim);
        h.Work();
        Assert.That(h.Client.Metadata.TryGetMetadata(producer.StreamId, 5, out meta), Is.True);
        Assert.That(meta.Attributes, Has.Count.EqualTo(2));
        Assert.That(h.Client.Metadata.TryGetMetadata(producer.StreamId, 4, out _), Is.True, "older versions stay for frames still referring to them");
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Work();
        Assert.That(h.Client.Metadata.TryGetSource(producer.StreamId, out info) && info.MetaVersion == 5, Is.True, "DataSourceAnnounce carries the new version");
    }

    private static List<byte[]> BlobMessages(Harness h, Producer producer, byte[] blob, bool checksum)
    {
        using var probe = new ControlProbe(h, h.Options.MetadataStreamId);
        Assert.That(producer.PublishMetaBlob(7, blob, checksum), Is.True);
        return probe.Drain();
    }

    private static byte[] Blob(int length)
    {
        byte[] blob = new byte[length];
        new Random(length).NextBytes(blob);
        return blob;
    }

    [Test]
    public void One_mebibyte_blob_arrives_intact_in_chunks_with_crc32c_10_3_3()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer();
        byte[] blob = Blob(1 << 20);
        List<byte[]> messages = BlobMessages(h, producer, blob, checksum: true);
        Assert.That(messages.Count, Is.GreaterThanOrEqualTo(2 + 16), "64 KiB chunks at most");
        var cache = new MetadataCache();
        foreach (byte[] m in messages)
        {
            cache.OnMessage(m);
        }
        Assert.That(cache.TryGetBlob(producer.StreamId, producer.MetaVersion, out MetaBlob received), Is.True);
        Assert.That(received.Bytes, Is.EqualTo(blob));
        Assert.That(received.ChecksumVerified, Is.True);
        Assert.That(received.BlobType, Is.EqualTo(7));
    }

    [Test]
    public void Blob_with_a_dropped_chunk_is_discarded_as_a_gap_10_3_3()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer();
        List<byte[]> messages = BlobMessages(h, producer, Blob(300_000), checksum: false);
        messages.RemoveAt(2);
        var cache = new MetadataCache();
        messages.ForEach(m => cache.OnMessage(m));
        Assert.That(cache.TryGetBlob(producer.StreamId, producer.MetaVersion, out _), Is.False);
        Assert.That(cache.BlobDiscards(MetaBlobDiscard.Gap), Is.EqualTo(1));
    }

    [Test]
    public void Blob_chunks_out_of_order_are_discarded_10_3_3()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer();
        List<byte[]> messages = BlobMessages(h, producer, Blob(300_000), checksum: true);
        (messages[1], messages[2]) = (messages[2], messages[1]);
        var cache = new MetadataCache();
        messages.ForEach(m => cache.OnMessage(m));
        Assert.That(cache.TryGetBlob(producer.StreamId, producer.MetaVersion, out _), Is.False);
        Assert.That(cache.BlobDiscards(MetaBlobDiscard.Gap), Is.EqualTo(1));
        Assert.That(cache.BlobDiscards(MetaBlobDiscard.Orphan), Is.GreaterThan(0), "what follows a discard has no blob to join");
    }

    [Test]
    public void Blob_with_an_overlapping_chunk_is_discarded_10_3_3()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer();
        List<byte[]> messages = BlobMessages(h, producer, Blob(300_000), checksum: true);
        messages.Insert(2, messages[1]); // the first chunk again
        var cache = new MetadataCache();
        messages.ForEach(m => cache.OnMessage(m));
        Assert.That(cache.TryGetBlob(producer.StreamId, producer.MetaVersion, out _), Is.False);
        Assert.That(cache.BlobDiscards(MetaBlobDiscard.Overlap), Is.EqualTo(1));
    }

    [Test]
    public void Blob_with_a_bad_checksum_is_discarded_15_9()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer();
        List<byte[]> messages = BlobMessages(h, producer, Blob(200_000), checksum: true);
        messages[2][^1] ^= 0x40; // a flipped bit in the second chunk's last byte
        var cache = new MetadataCache();
        messages.ForEach(m => cache.OnMessage(m));
        Assert.That(cache.TryGetBlob(producer.StreamId, producer.MetaVersion, out _), Is.False);
        Assert.That(cache.BlobDiscards(MetaBlobDiscard.ChecksumMismatch), Is.EqualTo(1));
    }

    [Test]
    public void Blob_larger_than_the_receiver_limit_is_refused_before_any_allocation()
    {
        byte[] buffer = new byte[MetaBlobAnnounceEncoder.MinEncodedLength];
        var a = MetaBlobAnnounceEncoder.WrapAndApplyHeader(buffer);
        a.StreamId = 1;
        a.TotalLen = ulong.MaxValue;
        var cache = new MetadataCache(1 << 20);
        cache.OnMessage(buffer);
        Assert.That(cache.BlobDiscards(MetaBlobDiscard.TooLarge), Is.EqualTo(1));
        Assert.That(cache.OnMessage(buffer.AsSpan(0, 10)), Is.True);
        Assert.That(cache.BlobDiscards(MetaBlobDiscard.Malformed), Is.EqualTo(1));
    }
}
