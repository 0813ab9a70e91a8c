using TensorPool.Bench.Matrix;

namespace TensorPool.Bench.Tests;

/// <summary>Pinning, the histogram hand-over between processes and the socket framing.</summary>
[TestFixture]
public sealed class MachineryTests
{
    [Test]
    public void Cpu_plan_pins_only_with_more_than_one_cpu()
    {
        CpuPlan one = CpuPlan.Choose([3]);
        CpuPlan two = CpuPlan.Choose([0, 1]);
        CpuPlan four = CpuPlan.Choose([0, 2, 4, 6]);

        Assert.That(one.Pinned, Is.False);
        Assert.That(one.ParentCpu, Is.EqualTo(-1));
        Assert.That(one.ConsumerCpus(2), Is.EqualTo(new[] { -1, -1 }));
        Assert.That(two.Pinned, Is.True);
        Assert.That((two.ParentCpu, two.ConsumerCpus(3)), Is.EqualTo((0, new[] { 1, 1, 1 })));
        Assert.That(four.ConsumerCpus(4), Is.EqualTo(new[] { 2, 4, 6, 2 }));
        Assert.That(two.Oversubscribed(1), Is.False);
        Assert.That(two.Oversubscribed(3), Is.True, "3 consumers + the producer on 2 CPUs");
        Assert.That(four.Oversubscribed(3), Is.False);
        Assert.That(two.Describe(), Does.Contain("CPU 0").And.Contain("sched_setaffinity"));
    }

    [Test]
    public void Pinning_a_thread_restricts_it_to_that_cpu()
    {
        IReadOnlyList<int> allowed = Cpu.Allowed();
        IReadOnlyList<int>? seen = null;
        var thread = new Thread(() =>
        {
            Cpu.Pin(allowed[^1]);
            seen = Cpu.Allowed();
        });
        thread.Start();
        thread.Join();

        Assert.That(seen, Is.EqualTo(new[] { allowed[^1] }));
        Assert.That(Cpu.Allowed(), Is.EqualTo(allowed), "only the pinned thread changed");
    }

    [Test]
    public void Unpinning_a_pinned_thread_gives_it_every_allowed_cpu_again_so_the_paced_children_it_starts_are_not_pinned()
    {
        IReadOnlyList<int> allowed = Cpu.Allowed();
        IReadOnlyList<int>? pinned = null, unpinned = null;
        var thread = new Thread(() =>
        {
            Cpu.Pin(allowed[0]);
            pinned = Cpu.Allowed();
            Cpu.Unpin();
            unpinned = Cpu.Allowed();
        });
        thread.Start();
        thread.Join();

        Assert.That(pinned, Is.EqualTo(new[] { allowed[0] }));
        Assert.That(unpinned, Is.EqualTo(allowed));
    }

    [Test]
    public void Pinning_to_a_cpu_that_does_not_exist_throws()
    {
        Exception? caught = null;
        var thread = new Thread(() => caught = Record(() => Cpu.Pin(1023)));
        thread.Start();
        thread.Join();

        Assert.That(caught, Is.TypeOf<InvalidOperationException>());
        Assert.That(Record(() => Cpu.Pin(1024)), Is.TypeOf<ArgumentOutOfRangeException>());
    }

    [TestCase(-1, "none")]
    [TestCase(0, "0")]
    [TestCase(7, "7")]
    public void Cpu_arguments_round_trip_without_a_leading_dash(int cpu, string text)
    {
        Assert.That(Cpu.Format(cpu), Is.EqualTo(text));
        Assert.That(Cpu.Parse(text), Is.EqualTo(cpu));
    }

    [Test]
    public void A_histogram_crosses_a_result_line_and_merges()
    {
        var a = new LatencyRecorder();
        var b = new LatencyRecorder();
        for (int i = 1; i <= 1000; i++)
        {
            a.Record(i * 100);
            b.Record(1_000_000 + i);
        }

        LatencyRecorder copy = LatencyRecorder.Decode(a.Encode());
        Assert.That(copy.Percentiles(), Is.EqualTo(a.Percentiles()));
        Assert.That(a.Encode(), Does.Not.Contain(" "), "one token of a result line");

        copy.Add(LatencyRecorder.Decode(b.Encode()));
        Assert.That(copy.Count, Is.EqualTo(2000));
        Assert.That(copy.Percentiles().P50, Is.EqualTo(a.Percentiles().Max).Within(0.1).Percent);
        Assert.That(LatencyRecorder.Decode(new LatencyRecorder().Encode()).Count, Is.Zero);
    }

    [TestCase("")]
    [TestCase("x_1:1")]
    [TestCase("h_1")]
    [TestCase("h_0:1")]
    [TestCase("h_5:0")]
    [TestCase("h_5:-1")]
    [TestCase("h_99999999999:1")]
    [TestCase("h_a:b")]
    public void A_bad_histogram_token_is_a_format_error(string token)
    {
        Assert.That(() => LatencyRecorder.Decode(token), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void Socket_frames_carry_send_time_length_and_phase()
    {
        byte[] frame = new byte[FrameFormat.SocketHeaderLength + 64];
        FrameFormat.WriteSocketHeader(frame, 123456789, 64, FrameFormat.Latency);

        Assert.That(FrameFormat.TryReadSocketHeader(frame, 64, out long sent, out long phase), Is.True);
        Assert.That((sent, phase), Is.EqualTo((123456789L, FrameFormat.Latency)));
        Assert.That(FrameFormat.TryReadSocketHeader(frame, 65, out _, out _), Is.False, "a length this run does not send");
        FrameFormat.WriteSocketHeader(frame, 1, 64, 9);
        Assert.That(FrameFormat.TryReadSocketHeader(frame, 64, out _, out _), Is.False, "an unknown phase");
    }

    [Test]
    public void Frame_source_ends_with_the_marker_consumers_check()
    {
        var source = new FrameSource(4096);

        Assert.That(source.Size, Is.EqualTo(4096));
        Assert.That(source.Bytes[^1], Is.EqualTo(FrameSource.LastByte));
    }

    [Test]
    public void Memcpy_ceiling_is_positive()
    {
        Assert.That(MemcpyCeiling.BytesPerSecond(4096, 0.01), Is.GreaterThan(0));
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
