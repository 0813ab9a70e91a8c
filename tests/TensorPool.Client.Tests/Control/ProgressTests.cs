using TensorPool.Client.Tests.DataPath;
using TensorPool.Consumers;
using TensorPool.Control;
using TensorPool.Producers;
using TensorPool.Sbe.Wire;

namespace TensorPool.Client.Tests.Control;

public class ProgressTests
{
    private const int Rows = 64;
    private const int RowBytes = 16 * 1024; // 1 MiB frame

    private static ProducerOptions Big() => new() { HeaderNslots = 8, Pools = [new PayloadPoolOptions(1, 1 << 20)] };

    private sealed class Seen
    {
        public List<(FrameProgressState State, ulong Bytes, bool Safe, int Prefix)> Items { get; } = [];

        public void On(in FrameProgress p) => Items.Add((p.State, p.PayloadBytesFilled, p.IsPrefixLayoutSafe, p.Prefix.Length));
    }

    /// <summary>A harness, a producer with one 1 MiB pool and a consumer taking progress into <see cref="Seen"/>, mapped.</summary>
    private sealed class Rig : IDisposable
    {
        private readonly Harness _h = new();
        private readonly Seen _seen = new();
        private readonly Producer _producer;
        private readonly Consumer _consumer;

        public Rig(uint? progressIntervalUs = null)
        {
            _producer = _h.Client.AddProducer(Big());
            _consumer = _h.Client.AddConsumer(new ConsumerOptions
            {
                StreamId = _producer.StreamId,
                ProgressHandler = _seen.On,
                ProgressIntervalUs = progressIntervalUs,
            });
            _h.Work();
            Harness.PollAll(_consumer);
        }

        public void Deconstruct(out Seen seen, out Harness h, out Producer producer, out Consumer consumer) =>
            (seen, h, producer, consumer) = (_seen, _h, _producer, _consumer);

        public void Dispose()
        {
            _consumer.Dispose();
            _producer.Dispose();
            _h.Dispose();
        }
    }

    private static byte[] Progress(uint stream, ulong epoch, ulong seq, ulong bytes, byte state)
    {
        byte[] buffer = new byte[FrameProgressEncoder.MinEncodedLength];
        var e = FrameProgressEncoder.WrapAndApplyHeader(buffer);
        e.StreamId = stream;
        e.Epoch = epoch;
        e.Seq = seq;
        e.PayloadBytesFilled = bytes;
        e.State = (FrameProgressState)state;
        return buffer;
    }

    [Test]
    public void Producer_sends_started_throttled_progress_and_complete_within_its_floors_10_2_2()
    {
        using var rig = new Rig(progressIntervalUs: 10);
        (Seen seen, Harness h, Producer producer, Consumer consumer) = rig;
        Assert.That(producer.TryClaim(Rows * RowBytes, out FrameClaim claim), Is.True);
        claim.SetTensor(Dtype.Uint8, [Rows, RowBytes]);
        claim.SetProgress(ProgressUnit.Rows, RowBytes);
        for (int row = 1; row <= Rows; row++)
        {
            h.Clock.AdvanceNanos(100_000); // 100 µs a row: the 250 µs floor allows one message every third row
            producer.ReportProgress(ref claim, (long)row * RowBytes);
            Harness.PollAll(consumer);
        }
        producer.Commit(ref claim);
        Harness.PollAll(consumer);
        Assert.That(seen.Items[0].State, Is.EqualTo(FrameProgressState.Started));
        Assert.That(seen.Items[^1].State, Is.EqualTo(FrameProgressState.Complete));
        Assert.That(seen.Items[^1].Bytes, Is.EqualTo((ulong)(Rows * RowBytes)));
        Assert.That(seen.Items.Select(i => i.Bytes), Is.Ordered, "monotonic");
        int progress = seen.Items.Count(i => i.State == FrameProgressState.Progress);
        Assert.That(progress, Is.InRange(Rows / 5, Rows / 3), "throttled by the 64 KiB delta and 250 µs floors, not one per row (the 10 µs hint is below the floor)");
        Assert.That(seen.Items.All(i => i.Safe), Is.True, "inferred strides: the prefix is layout-safe");
        Assert.That(seen.Items.Where(i => i.State != FrameProgressState.Complete).All(i => i.Prefix == (int)i.Bytes), Is.True);
        Assert.That(consumer.Counters.FramesAccepted, Is.EqualTo(1), "the descriptor still delivers the frame");
    }

    [Test]
    public void A_frame_committed_with_another_description_than_its_progress_reports_carries_the_committed_one()
    {
        // After a steady lap the producer writes only the per-frame part of a header (D80). A progress report writes
        // the whole header early; if the frame is then committed with the steady description again, the slot must not
        // keep the description the report wrote.
        using var rig = new Rig();
        (_, _, Producer producer, Consumer consumer) = rig;
        for (int i = 0; i < 20; i++) // more than a lap of 8 slots with [4, 1024]
        {
            Assert.That(producer.TryClaim(4096, out FrameClaim steady), Is.True);
            steady.SetTensor(Dtype.Uint8, [4, 1024]);
            producer.Commit(ref steady);
        }
        Harness.PollAll(consumer);
        Assert.That(producer.TryClaim(4096, out FrameClaim claim), Is.True);
        claim.SetTensor(Dtype.Uint8, [2, 2048]);
        Assert.That(producer.ReportProgress(ref claim, 1024), Is.True); // the header now says [2, 2048]
        claim.SetTensor(Dtype.Uint8, [4, 1024]);
        producer.Commit(ref claim);
        List<Harness.SeenFrame> frames = Harness.PollAll(consumer);
        Assert.That(frames, Has.Count.EqualTo(1));
        Assert.That(frames[0].Dims, Is.EqualTo(new[] { 4, 1024 }));
    }

    [Test]
    public void No_progress_is_sent_while_no_consumer_supports_it_10_2_2()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Big());
        using Consumer consumer = h.Client.AddConsumer(producer.StreamId);
        using var control = new ControlProbe(h, h.Options.ControlStreamId);
        h.Work();
        Assert.That(producer.TryClaim(1000, out FrameClaim claim), Is.True);
        Assert.That(producer.ReportProgress(ref claim, 500), Is.False);
        producer.Commit(ref claim);
        Assert.That(control.Drain(FrameProgressDecoder.TemplateId), Is.Empty);
        Assert.That(producer.ControlCounters.ProgressSent, Is.Zero);
    }

    [Test]
    public void Producer_refuses_progress_that_regresses_or_exceeds_the_claim_10_2_2()
    {
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Big());
        Assert.That(producer.TryClaim(1000, out FrameClaim claim), Is.True);
        bool threw = false;
        try
        {
            producer.ReportProgress(ref claim, 1001);
        }
        catch (ArgumentOutOfRangeException)
        {
            threw = true;
        }
        Assert.That(threw, Is.True);
        producer.Abort(ref claim);
    }

    [Test]
    public void Consumer_drops_progress_that_regresses_or_exceeds_values_len_and_counts_it_10_2_2()
    {
        var seen = new Seen();
        using var h = new Harness();
        using Producer producer = h.Client.AddProducer(Big());
        using Consumer consumer = h.Client.AddConsumer(new ConsumerOptions { StreamId = producer.StreamId, ProgressHandler = seen.On });
        using var control = new ControlProbe(h, h.Options.ControlStreamId);
        h.Work();
        Harness.PollAll(consumer);
        Assert.That(producer.TryClaim(1000, out FrameClaim claim), Is.True);
        Assert.That(producer.ReportProgress(ref claim, 400), Is.True); // STARTED, header written
        ulong seq = claim.Seq;
        control.Send(Progress(producer.StreamId, producer.Epoch, seq, 300, 2)); // regresses
        control.Send(Progress(producer.StreamId, producer.Epoch, seq, 900, 2)); // after a regression: not trusted
        Harness.PollAll(consumer);
        Assert.That(seen.Items, Has.Count.EqualTo(1));
        Assert.That(consumer.ControlCounters.ProgressRegressed, Is.EqualTo(2));
        producer.Commit(ref claim); // the next claim takes a new sequence

        Assert.That(producer.TryClaim(1000, out claim), Is.True);
        Assert.That(producer.ReportProgress(ref claim, 100), Is.True);
        control.Send(Progress(producer.StreamId, producer.Epoch, claim.Seq, 1001, 2)); // > values_len_bytes
        control.Send(Progress(producer.StreamId, producer.Epoch, claim.Seq, 200, 0)); // UNKNOWN state
        control.Send(Progress(producer.StreamId, producer.Epoch + 1, claim.Seq, 200, 2)); // another epoch
        Harness.PollAll(consumer);
        Assert.That(consumer.ControlCounters.ProgressOverLength, Is.EqualTo(1));
        Assert.That(consumer.ControlCounters.ProgressMalformed, Is.EqualTo(1));
        Assert.That(consumer.ControlCounters.ProgressStale, Is.EqualTo(1));
        producer.Abort(ref claim);
    }

    [Test]
    public void Consumer_drops_progress_whose_unit_has_a_stride_inconsistent_with_the_tensor_10_2_2()
    {
        using var rig = new Rig();
        (Seen seen, _, Producer producer, Consumer consumer) = rig;
        Assert.That(producer.TryClaim(4096, out FrameClaim claim), Is.True);
        claim.SetTensor(Dtype.Uint8, [16, 256]);
        claim.SetProgress(ProgressUnit.Rows, 100); // the row stride is 256
        producer.ReportProgress(ref claim, 512);
        Harness.PollAll(consumer);
        Assert.That(seen.Items, Is.Empty);
        Assert.That(consumer.ControlCounters.ProgressLayout, Is.EqualTo(1));
        producer.Abort(ref claim);
    }

    [Test]
    public void Explicit_strides_make_the_prefix_safe_only_in_whole_rows_10_2_2()
    {
        using var rig = new Rig();
        (Seen seen, _, Producer producer, Consumer consumer) = rig;
        Assert.That(producer.TryClaim(4096, out FrameClaim claim), Is.True);
        claim.SetTensor(Dtype.Uint8, [16, 256], [256, 1]);
        claim.SetProgress(ProgressUnit.Rows, 256);
        producer.ReportProgress(ref claim, 600);
        Harness.PollAll(consumer);
        Assert.That(seen.Items.Single().Prefix, Is.EqualTo(512));
        producer.Abort(ref claim);
    }
}
