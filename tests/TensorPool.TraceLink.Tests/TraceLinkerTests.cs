using TensorPool.Time;
using TensorPool.TraceLink;

namespace TensorPool.TraceLink.Tests;

/// <summary>Propagation (TraceLink §6.3, §7, §8.1): root, 1→1 and N→1, with the TraceLinkSets they queue.</summary>
public class TraceLinkerTests
{
    private TraceLinkQueue _links = null!;
    private CapturingPublication _publication = null!;
    private TraceLinker _linker = null!;

    [SetUp]
    public void SetUp()
    {
        _links = new TraceLinkQueue();
        _publication = new CapturingPublication();
        _linker = new TraceLinker(new TraceIdGenerator(7, new ManualClock(1_000_000_000_000)), _links);
    }

    [TearDown]
    public void TearDown() => _publication.Dispose();

    [Test]
    public void Root_frames_mint_a_new_trace_id_6_3()
    {
        ulong a = _linker.Root();
        ulong b = _linker.Root();

        Assert.That(a, Is.Not.EqualTo(TraceId.Null));
        Assert.That(b, Is.GreaterThan(a));
        Assert.That(TraceId.NodeId(a), Is.EqualTo(7));
        Assert.That(_links.Pending, Is.Zero, "a root emits no TraceLinkSet");
    }

    [Test]
    public void A_1_to_1_stage_reuses_the_upstream_trace_id_unchanged_6_3_8_1()
    {
        Assert.That(_linker.Forward(0x1234_5678), Is.EqualTo(0x1234_5678));
        Assert.That(_links.Pending, Is.Zero, "§14.2.1: no TraceLinkSet");
    }

    [Test]
    public void A_1_to_1_stage_with_an_untraced_input_still_puts_a_non_zero_trace_id_on_its_output_8_1()
    {
        ulong trace = _linker.Forward(TraceId.Null);

        Assert.That(trace, Is.Not.EqualTo(TraceId.Null));
        Assert.That(TraceId.NodeId(trace), Is.EqualTo(7));
    }

    [Test]
    public void An_N_to_1_stage_mints_a_new_trace_id_and_emits_its_parents_in_input_order_6_3_8_1()
    {
        ulong[] inputs = [0x3000, 0x1000, 0x2000];

        ulong trace = _linker.Join(10002, 5, 41, inputs);
        _links.Drain(_publication);

        Assert.That(trace, Is.Not.AnyOf(inputs.Cast<object>().Append(TraceId.Null).ToArray()));
        Assert.That(_publication.Messages, Has.Count.EqualTo(1));
        var m = Messages.Decode(_publication.Messages[0]);
        Assert.That((m.Stream, m.Epoch, m.Seq, m.Trace), Is.EqualTo((10002u, 5UL, 41UL, trace)), "§9.2: the output frame's stream, epoch, seq and trace");
        Assert.That(m.Parents, Is.EqualTo(inputs));
    }

    [Test]
    public void Join_leaves_out_untraced_inputs_and_repeats_so_the_set_follows_9_2()
    {
        ulong trace = _linker.Join(1, 1, 1, [0x3000, 0, 0x1000, 0x3000, 0x2000, 0x1000]);
        _links.Drain(_publication);

        var m = Messages.Decode(_publication.Messages.Single());
        Assert.That(m.Trace, Is.EqualTo(trace));
        Assert.That(m.Parents, Is.EqualTo(new ulong[] { 0x3000, 0x1000, 0x2000 }));
    }

    [Test]
    public void Join_with_one_distinct_parent_reuses_it_without_a_TraceLinkSet_7()
    {
        Assert.That(_linker.Join(1, 1, 1, [0x3000, 0, 0x3000]), Is.EqualTo(0x3000));
        Assert.That(_links.Pending, Is.Zero);
    }

    [Test]
    public void Join_of_untraced_inputs_starts_a_new_root()
    {
        ulong trace = _linker.Join(1, 1, 1, [0, 0]);

        Assert.That(trace, Is.Not.EqualTo(TraceId.Null));
        Assert.That(_links.Pending, Is.Zero);
    }

    [Test]
    public void Trace_ids_continue_across_an_epoch_change_8_1()
    {
        ulong before = _linker.Join(1, epoch: 5, seq: 9, [0x1000, 0x2000]);
        ulong after = _linker.Join(1, epoch: 6, seq: 0, [0x1000, 0x2000]);

        Assert.That(after, Is.GreaterThan(before));
    }

    [Test]
    public void A_lost_TraceLinkSet_still_gives_the_frame_a_valid_trace_id_5()
    {
        var tiny = new TraceLinkQueue(new TraceLinkQueueOptions { Capacity = 2, MaxParents = 8 });
        var linker = new TraceLinker(new TraceIdGenerator(1), tiny);
        linker.Join(1, 1, 1, [1, 2]);
        linker.Join(1, 1, 2, [1, 2]);

        ulong third = linker.Join(1, 1, 3, [1, 2]);

        Assert.That(third, Is.Not.EqualTo(TraceId.Null));
        Assert.That(tiny.Counters.DroppedFull, Is.EqualTo(1));
    }

    [Test]
    public void More_distinct_parents_than_a_set_holds_are_counted_and_the_frame_still_traced()
    {
        var small = new TraceLinkQueue(new TraceLinkQueueOptions { MaxParents = 3 });
        var linker = new TraceLinker(new TraceIdGenerator(1), small);

        ulong trace = linker.Join(1, 1, 1, [1, 2, 2, 3, 4]);

        Assert.That(trace, Is.Not.EqualTo(TraceId.Null));
        Assert.That(small.Counters.DroppedOversize, Is.EqualTo(1));
        Assert.That(small.Pending, Is.Zero);
    }

    [Test]
    public void Propagation_allocates_nothing()
    {
        ulong[] inputs = [0x1000, 0x2000, 0x3000];
        var publication = new CapturingPublication { Answer = 1 };

        (long bytes, _) = TensorPool.Testing.SteadyState.AllocatedBytes(() =>
        {
            for (ulong i = 0; i < 1000; i++)
            {
                _linker.Root();
                _linker.Forward(0x1000);
                _linker.Join(1, 1, i, inputs);
                _links.Drain(publication);
            }
        });

        Assert.That(bytes, Is.Zero);
    }
}
