using System.Runtime.InteropServices;
using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;

namespace TensorPool.Client.Tests.DataPath;

public class ProducerConsumerTests
{
    private static ProducerOptions SmallPools(int nslots = 8) => new()
    {
        HeaderNslots = nslots,
        Pools = [new PayloadPoolOptions(1, 256), new PayloadPoolOptions(2, 4096)],
    };

    [Test]
    public void Consumer_maps_on_announce_and_receives_a_float_tensor_in_place()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Assert.That(consumer.State, Is.EqualTo(MappingState.Unmapped), "the consumer switches on its next poll");
        Assert.That(consumer.Poll(static (in Frame _) => { }, 10), Is.Zero);
        Assert.That(consumer.State, Is.EqualTo(MappingState.Mapped));
        Assert.That(consumer.Epoch, Is.EqualTo(producer.Epoch));

        float[] values = [1, 2, 3, 4, 5, 6];
        Assert.That(producer.TryOffer<float>(values, [2, 3]), Is.True);

        var seen = new List<float>();
        int[] shape = [];
        consumer.Poll((in Frame f) =>
        {
            var tensor = f.AsTensorSpan<float>();
            shape = [.. tensor.Lengths.ToArray().Select(l => (int)l)];
            for (int r = 0; r < 2; r++)
            {
                for (int c = 0; c < 3; c++)
                {
                    seen.Add(tensor[r, c]);
                }
            }
            Assert.That(f.Dtype, Is.EqualTo(Dtype.Float32));
            Assert.That(f.PoolId, Is.EqualTo(1));
            Assert.That(f.Seq, Is.Zero);
        }, 10);
        Assert.That(seen, Is.EqualTo(values));
        Assert.That(shape, Is.EqualTo(new[] { 2, 3 }));
        ConsumerCounters counters = consumer.Counters;
        Assert.That(counters.FramesAccepted, Is.EqualTo(1));
        Assert.That(counters.DropsTotal, Is.Zero);
    }

    [Test]
    public void Claim_is_filled_in_place_and_committed_with_its_timestamp_and_meta_version()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);

        Assert.That(producer.TryClaim(100, out FrameClaim claim), Is.True);
        Assert.That(claim.Payload.Length, Is.EqualTo(100));
        claim.Payload.Fill(7);
        claim.TimestampNs = 12345;
        claim.MetaVersion = 9;
        producer.Commit(ref claim);
        Assert.That(claim.IsActive, Is.False);

        uint meta = 0;
        consumer.Poll((in Frame f) => meta = f.MetaVersion, 10);
        List<Harness.SeenFrame> none = Harness.PollAll(consumer);
        Assert.That(none, Is.Empty);
        Assert.That(meta, Is.EqualTo(9));
        Assert.That(consumer.Counters.FramesAccepted, Is.EqualTo(1));
    }

    [Test]
    public void Frames_go_to_the_smallest_pool_that_holds_them_9()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);

        foreach (int length in new[] { 0, 1, 256, 257, 4096 })
        {
            Assert.That(producer.TryOffer(new byte[length]), Is.True);
        }
        List<Harness.SeenFrame> frames = Harness.PollAll(consumer);
        Assert.That(frames.Select(f => f.PoolId), Is.EqualTo(new ushort[] { 1, 1, 1, 2, 2 }));
        Assert.That(frames.Select(f => f.Payload.Length), Is.EqualTo(new[] { 0, 1, 256, 257, 4096 }));
    }

    [Test]
    public void Frame_larger_than_every_pool_is_dropped_and_counted_never_blocking_9()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        Assert.That(producer.TryClaim(4097, out FrameClaim claim), Is.False);
        Assert.That(claim.IsActive, Is.False);
        Assert.That(producer.TryOffer(new byte[5000]), Is.False);
        Assert.That(producer.Counters.DropsNoPool, Is.EqualTo(2));
        Assert.That(producer.Counters.NextSeq, Is.Zero, "a dropped frame takes no sequence");
    }

    [Test]
    public void Each_commit_publishes_the_next_sequence_and_wraps_the_ring()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools(nslots: 4));
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        for (int i = 0; i < 10; i++)
        {
            producer.TryOffer(BitConverter.GetBytes(i));
            List<Harness.SeenFrame> frames = Harness.PollAll(consumer);
            Assert.That(frames, Has.Count.EqualTo(1));
            Assert.That(frames[0].Seq, Is.EqualTo((ulong)i));
            Assert.That(BitConverter.ToInt32(frames[0].Payload), Is.EqualTo(i));
        }
        Assert.That(consumer.Counters.FramesAccepted, Is.EqualTo(10));
        Assert.That(producer.Counters.FramesPublished, Is.EqualTo(10));
    }

    [Test]
    public void A_consumer_far_behind_on_tp_ipc_gives_up_the_descriptor_backlog_and_reads_the_newest_frames_15_4()
    {
        // 5,000 frames while the consumer does not poll: several laps of the descriptor log and of the 64-slot ring.
        // Reading the backlog would cost it about what producing it cost; it reads one stale descriptor, resyncs, and
        // reads only the newest half ring (from the newest frame it saw in a slot on).
        using var h = new Harness(o => o.Transport = null); // null: the client's own tp:ipc transport
        using Producer producer = h.Client.AddProducer(SmallPools(nslots: 64));
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        producer.TryOffer(BitConverter.GetBytes(0));
        Assert.That(Harness.PollAll(consumer), Has.Count.EqualTo(1));
        const int frames = 5000;
        for (int i = 1; i <= frames; i++)
        {
            producer.TryOffer(BitConverter.GetBytes(i));
        }
        List<Harness.SeenFrame> seen = Harness.PollAll(consumer);
        ConsumerCounters c = consumer.Counters;
        Assert.That(c.Resyncs, Is.EqualTo(1));
        Assert.That(c.DescriptorsReceived, Is.LessThanOrEqualTo(1 + 1 + 32), "frame 0, one stale descriptor, the kept half ring");
        int[] payloads = [.. seen.Select(f => BitConverter.ToInt32(f.Payload))];
        Assert.That(payloads, Has.Length.InRange(1, 32));
        Assert.That(payloads, Is.EqualTo(Enumerable.Range(frames - payloads.Length + 1, payloads.Length)), "the newest frames, in order");
        Assert.That(c.FramesAccepted + c.DropsTotal, Is.EqualTo(frames + 1), "every frame accepted or counted");
        Assert.That(c.DropsResync, Is.GreaterThan(0));
    }

    [Test]
    public void Every_frame_carries_its_own_tensor_description_across_laps_and_changes()
    {
        // After a lap of one description the producer writes only the per-frame part of each header (the rest of the
        // slot already holds it); a change of description, mid-lap and back again, must reach every later frame.
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools(nslots: 4));
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        int[][] shapes = [[2, 3], [3, 2], [6], [1, 2, 3]];
        // Runs of 9 (over two laps), 1, 2, 9 and 3 frames: steady laps, single-frame changes, returns to a shape.
        (int Shape, int Count)[] runs = [(0, 9), (1, 1), (0, 2), (2, 9), (3, 3), (0, 5)];
        int sent = 0;
        foreach ((int shapeIndex, int count) in runs)
        {
            for (int i = 0; i < count; i++, sent++)
            {
                int[] shape = shapes[shapeIndex];
                float[] values = [.. Enumerable.Range(sent, 6).Select(v => (float)v)];
                Assert.That(producer.TryOffer<float>(values, shape), Is.True);
                List<Harness.SeenFrame> frames = Harness.PollAll(consumer);
                // Accepted at all only when dims and strides beyond ndims are zero (a drop rule, §8.2).
                Assert.That(frames, Has.Count.EqualTo(1), $"frame {sent} accepted");
                Assert.That(frames[0].Dims, Is.EqualTo(shape), $"frame {sent}");
                Assert.That(BitConverter.ToSingle(frames[0].Payload), Is.EqualTo((float)sent));
            }
        }
        Assert.That(consumer.Counters.FramesAccepted, Is.EqualTo(sent));
    }

    [Test]
    public void Second_claim_while_one_is_open_is_misuse()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        Assert.That(producer.TryClaim(8, out FrameClaim claim), Is.True);
        Assert.Throws<InvalidOperationException>(() => producer.TryClaim(8, out _));
        producer.Abort(ref claim);
        Assert.That(producer.TryClaim(8, out claim), Is.True);
        producer.Commit(ref claim);
    }

    [Test]
    public void Committing_twice_or_a_foreign_claim_is_misuse()
    {
        using var h = new Harness();
        using Producer a = h.Client.AddProducer(SmallPools());
        using Producer b = h.Client.AddProducer(new ProducerOptions { StreamId = 10001, HeaderNslots = 8, Pools = [new PayloadPoolOptions(1, 64)] });
        Assert.That(a.TryClaim(8, out FrameClaim claim), Is.True);
        FrameClaim copy = claim;
        a.Commit(ref claim);
        Assert.That(CommitThrows<InvalidOperationException>(a, ref copy), Is.True, "committed twice");
        Assert.That(a.TryClaim(8, out claim), Is.True);
        FrameClaim foreign = claim;
        Assert.That(CommitThrows<InvalidOperationException>(b, ref foreign), Is.True, "committed on another producer");
        a.Abort(ref claim);
        FrameClaim empty = default;
        bool abortThrew = false;
        try
        {
            a.Abort(ref empty);
        }
        catch (InvalidOperationException)
        {
            abortThrew = true;
        }
        Assert.That(abortThrew, Is.True, "aborted a default claim");
    }

    /// <summary>True when Commit threw <typeparamref name="TException"/> (a ref struct cannot go into Assert.Throws' lambda).</summary>
    private static bool CommitThrows<TException>(Producer producer, ref FrameClaim claim)
        where TException : Exception
    {
        try
        {
            producer.Commit(ref claim);
            return false;
        }
        catch (TException)
        {
            return true;
        }
    }

    [Test]
    public void Abort_publishes_nothing_and_the_sequence_is_reused()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        Assert.That(producer.TryClaim(8, out FrameClaim claim), Is.True);
        Assert.That(claim.Seq, Is.Zero);
        producer.Abort(ref claim);
        Assert.That(Harness.PollAll(consumer), Is.Empty);
        Assert.That(producer.TryClaim(8, out claim), Is.True);
        Assert.That(claim.Seq, Is.Zero);
        producer.Commit(ref claim);
        Assert.That(Harness.PollAll(consumer).Single().Seq, Is.Zero);
        Assert.That(producer.Counters.Aborts, Is.EqualTo(1));
        Assert.That(consumer.Counters.DropsGap, Is.Zero);
    }

    [TestCase(new[] { 4, 4 }, new[] { 4, 4 }, TestName = "Commit_rejects_overlapping_strides_8_2")]
    [TestCase(new[] { 4, 4 }, new[] { 4, 16 }, TestName = "Commit_rejects_strides_contradicting_row_major_8_2")]
    [TestCase(new[] { 4, 4 }, new[] { -16, 4 }, TestName = "Commit_rejects_negative_strides_8_2")]
    [TestCase(new[] { 4, -1 }, new[] { 0, 0 }, TestName = "Commit_rejects_negative_dims_8_2")]
    [TestCase(new[] { 100, 100 }, new[] { 0, 0 }, TestName = "Commit_rejects_a_layout_larger_than_the_payload_8_2")]
    public void Tensor_rule_violations_throw_at_commit_and_publish_nothing(int[] shape, int[] strides)
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);

        Assert.That(producer.TryClaim(64, out FrameClaim claim), Is.True);
        claim.SetTensor(Dtype.Float32, shape, strides);
        try
        {
            producer.Commit(ref claim);
            Assert.Fail("commit accepted a header that breaks §8.2");
        }
        catch (ArgumentException e)
        {
            Assert.That(e.Message, Does.Contain("TP_FRAME_DROP_"));
        }
        Assert.That(claim.IsActive, Is.False, "the failed commit aborted the claim");
        Assert.That(Harness.PollAll(consumer), Is.Empty);
        Assert.That(producer.Counters.NextSeq, Is.Zero);
        Assert.That(producer.TryOffer(new byte[8]), Is.True, "the producer stays usable");
        Assert.That(Harness.PollAll(consumer).Single().Seq, Is.Zero);
    }

    [Test]
    public void Tensor_rules_are_checked_again_when_only_one_field_changes_8_2()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        // The same description twice is accepted (the second time without asking the native core again)...
        for (int i = 0; i < 2; i++)
        {
            Assert.That(producer.TryClaim(64, out FrameClaim ok), Is.True);
            ok.SetTensor(Dtype.Float32, [4, 4], [16, 4]);
            producer.Commit(ref ok);
        }
        // ...but any change is checked: here only the strides (overlapping), then only the length (extent).
        Assert.That(producer.TryClaim(64, out FrameClaim claim), Is.True);
        claim.SetTensor(Dtype.Float32, [4, 4], [4, 4]);
        Assert.That(CommitThrows<ArgumentException>(producer, ref claim), Is.True, "overlapping strides");
        Assert.That(producer.TryClaim(60, out claim), Is.True);
        claim.SetTensor(Dtype.Float32, [4, 4], [16, 4]);
        Assert.That(CommitThrows<ArgumentException>(producer, ref claim), Is.True, "extent past the payload");
        Assert.That(producer.Counters.FramesPublished, Is.EqualTo(2));
    }

    [Test]
    public void Unknown_dtype_and_major_order_and_bad_progress_are_rejected_at_commit_15_8()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        foreach ((Dtype dtype, MajorOrder order, ProgressUnit unit, uint stride) in new[]
        {
            (Dtype.Unknown, MajorOrder.Row, ProgressUnit.None, 0u),
            ((Dtype)12, MajorOrder.Row, ProgressUnit.None, 0u),
            (Dtype.Uint8, MajorOrder.Unknown, ProgressUnit.None, 0u),
            (Dtype.Uint8, MajorOrder.Row, (ProgressUnit)3, 0u),
            (Dtype.Uint8, MajorOrder.Row, ProgressUnit.Rows, 0u),
            (Dtype.Uint8, MajorOrder.Row, ProgressUnit.Rows, 3u),
        })
        {
            Assert.That(producer.TryClaim(16, out FrameClaim claim), Is.True);
            claim.SetTensor(dtype, [4, 4], order);
            claim.SetProgress(unit, stride);
            ArgumentException? e = null;
            try
            {
                producer.Commit(ref claim);
            }
            catch (ArgumentException x)
            {
                e = x;
            }
            Assert.That(e, Is.Not.Null, $"{dtype} {order} {unit} {stride}");
        }
        Assert.That(producer.Counters.FramesPublished, Is.Zero);
    }

    [Test]
    public void Shape_with_no_or_too_many_dimensions_is_refused_at_once_8_2()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        Assert.That(producer.TryClaim(16, out FrameClaim claim), Is.True);
        try
        {
            Assert.Throws<ArgumentException>(() => SetShape(producer, []));
        }
        finally
        {
            producer.Abort(ref claim);
        }
        Assert.Throws<ArgumentException>(() => producer.TryOffer<byte>(new byte[9], [1, 1, 1, 1, 1, 1, 1, 1, 9]));
        Assert.That(producer.Counters.NextSeq, Is.Zero);

        static void SetShape(Producer p, int[] shape)
        {
            FrameClaim c = default;
            c.SetTensor(Dtype.Uint8, shape);
        }
    }

    [Test]
    public void Column_major_and_strided_tensors_are_viewed_with_their_strides()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);

        // 2 x 3 int32, column-major: element (r, c) at (r + 2c) * 4.
        int[] columnMajor = [10, 20, 11, 21, 12, 22];
        Assert.That(producer.TryOffer<int>(columnMajor, [2, 3], MajorOrder.Column), Is.True);
        // 2 x 2 int32 rows padded to 16 bytes: strides {16, 4}.
        Assert.That(producer.TryClaim(32, out FrameClaim claim), Is.True);
        int[] padded = [1, 2, -1, -1, 3, 4, -1, -1];
        MemoryMarshal.AsBytes(padded.AsSpan()).CopyTo(claim.Payload);
        claim.SetTensor(Dtype.Int32, [2, 2], [16, 4]);
        producer.Commit(ref claim);

        var tensors = new List<int[]>();
        consumer.Poll((in Frame f) =>
        {
            var t = f.AsTensorSpan<int>();
            var values = new List<int>();
            for (int r = 0; r < (int)t.Lengths[0]; r++)
            {
                for (int c = 0; c < (int)t.Lengths[1]; c++)
                {
                    values.Add(t[r, c]);
                }
            }
            tensors.Add([.. values]);
        }, 10);
        Assert.That(tensors[0], Is.EqualTo(new[] { 10, 11, 12, 20, 21, 22 }));
        Assert.That(tensors[1], Is.EqualTo(new[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void Viewing_a_frame_as_the_wrong_element_type_is_misuse()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        producer.TryOffer<float>([1f, 2f], [2]);
        producer.TryOffer(new byte[6]);
        var errors = new List<string>();
        consumer.Poll((in Frame f) =>
        {
            try
            {
                if (f.Dtype == Dtype.Float32)
                {
                    _ = f.AsTensorSpan<int>();
                }
                else
                {
                    _ = f.AsTensorSpan<float>();
                }
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e.Message);
            }
        }, 10);
        Assert.That(errors, Has.Count.EqualTo(2));
    }

    [Test]
    public void TryCopyTo_copies_a_whole_frame_and_returns_false_for_a_short_buffer_without_throwing()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        h.Work();
        Harness.PollAll(consumer);
        producer.TryOffer([1, 2, 3, 4, 5]);
        byte[] tooShort = [9, 9, 9, 9];
        byte[] copy = new byte[8];
        bool? shortCopied = null;
        FrameCopyResult? shortResult = null;
        bool copied = false;
        FrameCopyResult? result = null;
        consumer.Poll((in Frame f) =>
        {
            shortCopied = f.TryCopyTo(tooShort);
            shortResult = f.CopyPayloadTo(tooShort);
            copied = f.TryCopyTo(copy);
            result = f.CopyPayloadTo(copy);
        }, 10);
        Assert.That(shortCopied, Is.False, "a short destination is refused as Span<T>.TryCopyTo refuses it");
        Assert.That(shortResult, Is.EqualTo(FrameCopyResult.DestinationTooShort));
        Assert.That(tooShort, Is.EqualTo(new byte[] { 9, 9, 9, 9 }), "nothing is copied into a short destination");
        Assert.That(copied, Is.True);
        Assert.That(result, Is.EqualTo(FrameCopyResult.Copied));
        Assert.That(copy[..5], Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
        Assert.That(consumer.Counters.FramesAccepted, Is.EqualTo(1), "a refused short copy does not judge the frame");
    }

    [Test]
    public async Task ReadFramesAsync_yields_pooled_copies_in_order()
    {
        using var h = new Harness(RealTime);
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        await WaitMapped(consumer);
        for (int i = 0; i < 5; i++)
        {
            producer.TryOffer<int>([i, i * 10], [2]);
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seqs = new List<ulong>();
        await foreach (ReceivedFrame frame in consumer.ReadFramesAsync(cts.Token))
        {
            using (frame)
            {
                var t = frame.AsTensorSpan<int>();
                Assert.That(t[1], Is.EqualTo((int)frame.Seq * 10));
                seqs.Add(frame.Seq);
            }
            if (seqs.Count == 5)
            {
                break;
            }
        }
        Assert.That(seqs, Is.EqualTo(new ulong[] { 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void Dedicated_conductor_thread_maps_while_the_application_polls()
    {
        using var h = new Harness(RealTime);
        using Producer producer = h.Client.AddProducer(SmallPools());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        WaitMapped(consumer).GetAwaiter().GetResult();
        producer.TryOffer([42]);
        Assert.That(Harness.PollAll(consumer).Single().Payload, Is.EqualTo(new byte[] { 42 }));
        Assert.Throws<InvalidOperationException>(() => h.Client.DoWork());
    }

    [Test]
    public void Producer_dispose_removes_its_epoch_directory_15_21a_7()
    {
        using var h = new Harness();
        Producer producer = h.Client.AddProducer(SmallPools());
        string ring = producer.HeaderRegionUri.Split("path=")[1].Split('|')[0];
        string epochDir = Path.GetDirectoryName(ring)!;
        Assert.That(File.Exists(ring), Is.True);
        Assert.That(Path.GetFileName(epochDir), Is.EqualTo(producer.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        producer.Dispose();
        Assert.That(Directory.Exists(epochDir), Is.False);
        Assert.Throws<ObjectDisposedException>(() => producer.TryClaim(1, out _));
    }

    [Test]
    public void Every_producer_gets_a_new_higher_epoch_15_2()
    {
        using var h = new Harness();
        ulong last = 0;
        for (int i = 0; i < 3; i++)
        {
            using Producer p = h.Client.AddProducer(SmallPools());
            Assert.That(p.Epoch, Is.GreaterThan(last));
            last = p.Epoch;
        }
    }

    /// <summary>A dedicated conductor thread on the real clocks (timers must advance by themselves).</summary>
    internal static void RealTime(ClientOptions o)
    {
        o.ConductorMode = ConductorMode.DedicatedThread;
        o.Clock = Time.MonotonicClock.Instance;
        o.RealtimeClock = Time.RealtimeClock.Instance;
        o.AnnouncePeriod = TimeSpan.FromMilliseconds(50);
        o.FreshnessWindow = TimeSpan.FromSeconds(30);
    }

    internal static async Task WaitMapped(Consumer consumer)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (consumer.State != MappingState.Mapped)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), () => "never mapped: " + consumer.LastAnnounceRejection);
            consumer.Poll(static (in Frame _) => { }, 1);
            await Task.Delay(5);
        }
    }
}
