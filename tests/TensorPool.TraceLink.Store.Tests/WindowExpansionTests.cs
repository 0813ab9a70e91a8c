using TensorPool.Testing;
using TensorPool.TraceLink.Store;
using static TensorPool.TraceLink.Store.Tests.StoreFixture;

namespace TensorPool.TraceLink.Store.Tests;

/// <summary>Windowed integrators (TraceLink §10.4, §12.1, §14.2.3) and the offline expansion job (§14.2.4).</summary>
public class WindowExpansionTests
{
    private const ulong Out1 = 0xF001, Out2 = 0xF002;

    private static TraceStore WithInputs(TempDirectory dir)
    {
        TraceStore store = Open(dir);
        // Stream 10000, epoch 3: seq 0..9 with traces 0x100.., two frames share a trace (a 1→1 repeat).
        for (ulong seq = 0; seq < 10; seq++)
        {
            store.TryRecordFrame(Frame(10000, 3, seq, 0x100 + Math.Min(seq, 8), t: 1000 + (long)seq * 10));
        }
        store.TryRecordFrame(Frame(10000, 4, 5, 0x999, t: 1050)); // another epoch: never a parent here
        store.TryRecordFrame(Frame(10001, 3, 2, 0, t: 1020));     // untraced: never a parent
        return store;
    }

    [Test]
    public void Seq_bounds_expand_to_links_from_the_input_frames_inside_them_14_2_3()
    {
        using var dir = new TempDirectory();
        using TraceStore store = WithInputs(dir);
        store.TryRecordWindow(new TraceWindow { TraceId = Out1, InStreamId = 10000, Epoch = 3, SeqStart = 2, SeqEnd = 4 });
        Flush(store);

        WindowExpansion r = store.ExpandWindows();

        Assert.That(r.Windows, Is.EqualTo(1));
        Assert.That(r.LinksAdded, Is.EqualTo(3));
        Assert.That(store.Parents(Out1), Is.EqualTo(new ulong[] { 0x102, 0x103, 0x104 }));
    }

    [Test]
    public void Time_bounds_expand_on_t_ns_and_repeated_traces_become_one_link_14_2_4()
    {
        using var dir = new TempDirectory();
        using TraceStore store = WithInputs(dir);
        store.TryRecordWindow(new TraceWindow { TraceId = Out2, InStreamId = 10000, Epoch = 3, TimeStartNs = 1075, TimeEndNs = 1200 });
        Flush(store);

        WindowExpansion r = store.ExpandWindows();

        Assert.That(store.Parents(Out2), Is.EqualTo(new ulong[] { 0x108 }), "seq 8 and 9 share trace 0x108");
        Assert.That(r.LinksAdded, Is.EqualTo(1));
    }

    [Test]
    public void Untraced_frames_inside_the_bounds_are_not_parents()
    {
        using var dir = new TempDirectory();
        using TraceStore store = WithInputs(dir);
        store.TryRecordFrame(Frame(10001, 3, 3, 0x301, t: 1030));
        store.TryRecordWindow(new TraceWindow { TraceId = Out1, InStreamId = 10001, Epoch = 3, SeqStart = 0, SeqEnd = 5 });
        Flush(store);

        store.ExpandWindows();

        Assert.That(store.Parents(Out1), Is.EqualTo(new ulong[] { 0x301 }), "seq 2 of stream 10001 has trace_id 0");
    }

    [Test]
    public void Running_the_expansion_again_adds_nothing_14_2_4()
    {
        using var dir = new TempDirectory();
        using TraceStore store = WithInputs(dir);
        store.TryRecordWindow(new TraceWindow { TraceId = Out1, InStreamId = 10000, Epoch = 3, SeqStart = 0, SeqEnd = 9 });
        store.TryRecordLinks(Out1, [0x100]); // already linked directly
        Flush(store);

        WindowExpansion first = store.ExpandWindows();
        WindowExpansion second = store.ExpandWindows();

        Assert.That(first.LinksAdded, Is.EqualTo(8));
        Assert.That(second.LinksAdded, Is.Zero);
        Assert.That(store.Parents(Out1), Has.Count.EqualTo(9));
    }

    [Test]
    public void Windows_are_expanded_in_batches_of_the_given_size_14_2_4()
    {
        using var dir = new TempDirectory();
        using TraceStore store = WithInputs(dir);
        for (ulong w = 0; w < 7; w++)
        {
            store.TryRecordWindow(new TraceWindow { TraceId = 0xF100 + w, InStreamId = 10000, Epoch = 3, SeqStart = w, SeqEnd = w });
        }
        Flush(store);

        WindowExpansion r = store.ExpandWindows(batchSize: 3);

        Assert.That(r.Windows, Is.EqualTo(7));
        Assert.That(r.Batches, Is.EqualTo(3));
        Assert.That(r.LinksAdded, Is.EqualTo(7));
        Assert.That(store.Parents(0xF106), Is.EqualTo(new ulong[] { 0x106 }));
    }

    [Test]
    public void An_expanded_window_joins_the_lineage()
    {
        using var dir = new TempDirectory();
        using TraceStore store = WithInputs(dir);
        store.TryRecordWindow(new TraceWindow { TraceId = Out1, InStreamId = 10000, Epoch = 3, SeqStart = 0, SeqEnd = 1 });
        Flush(store);
        store.ExpandWindows();

        Assert.That(store.Lineage(Out1).Roots, Is.EquivalentTo(new ulong[] { 0x100, 0x101 }));
    }

    [Test]
    public void Recording_a_window_again_replaces_its_bounds()
    {
        using var dir = new TempDirectory();
        using TraceStore store = WithInputs(dir);
        store.TryRecordWindow(new TraceWindow { TraceId = Out1, InStreamId = 10000, Epoch = 3, SeqStart = 0, SeqEnd = 9 });
        store.TryRecordWindow(new TraceWindow { TraceId = Out1, InStreamId = 10000, Epoch = 3, SeqStart = 0, SeqEnd = 0 });
        Flush(store);

        store.ExpandWindows();

        Assert.That(store.Parents(Out1), Is.EqualTo(new ulong[] { 0x100 }));
    }

    [TestCase(null, null, null, null, "seq bounds or its time bounds")]
    [TestCase(5UL, null, null, null, "go together")]
    [TestCase(5UL, 4UL, null, null, "after SeqEnd")]
    [TestCase(null, null, 10L, 9L, "after TimeEndNs")]
    public void A_window_without_usable_bounds_is_refused_10_4(ulong? s0, ulong? s1, long? t0, long? t1, string why)
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir);

        var w = new TraceWindow { TraceId = Out1, InStreamId = 1, Epoch = 1, SeqStart = s0, SeqEnd = s1, TimeStartNs = t0, TimeEndNs = t1 };

        Assert.That(() => store.TryRecordWindow(w), Throws.ArgumentException.With.Message.Contains(why));
    }
}
