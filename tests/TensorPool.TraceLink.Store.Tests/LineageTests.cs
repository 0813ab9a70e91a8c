using TensorPool.Testing;
using TensorPool.TraceLink.Store;
using static TensorPool.TraceLink.Store.Tests.StoreFixture;

namespace TensorPool.TraceLink.Store.Tests;

/// <summary>Lineage through recursive CTEs (TraceLink §11.4) on the pipeline shapes of §14.2.</summary>
public class LineageTests
{
    // Two cameras (roots A, B) → a join J (N→1) → a filter (1→1, J again on another stream) → a join K with camera C.
    private const ulong A = 0x1000, B = 0x2000, C = 0x3000, J = 0x9000, K = 0xA000;

    private static TraceStore Pipeline(TempDirectory dir)
    {
        TraceStore store = Open(dir);
        store.TryRecordFrame(Frame(10000, 1, 5, A, t: 100));
        store.TryRecordFrame(Frame(10001, 1, 5, B, t: 110));
        store.TryRecordFrame(Frame(10005, 1, 5, C, t: 115));
        store.TryRecordFrame(Frame(10002, 1, 5, J, t: 120));
        store.TryRecordFrame(Frame(10003, 1, 5, J, t: 130));
        store.TryRecordFrame(Frame(10004, 1, 5, K, t: 140));
        store.TryRecordLinks(J, [A, B]);
        store.TryRecordLinks(K, [J, C]);
        Flush(store);
        return store;
    }

    [Test]
    public void The_lineage_of_a_final_output_reaches_every_root_through_the_intermediate_trace_11_4()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Pipeline(dir);

        TraceLineage l = store.Lineage(K);

        Assert.That(l.IsRoot, Is.False);
        Assert.That(l.Frames.Select(f => f.StreamId), Is.EqualTo(new uint[] { 10004 }));
        Assert.That(l.Ancestors.Select(a => (a.TraceId, a.Depth, a.IsRoot)), Is.EqualTo(new[]
        {
            (C, 1, true), (J, 1, false), (A, 2, true), (B, 2, true),
        }));
        Assert.That(l.Roots, Is.EquivalentTo(new[] { A, B, C }));
        Assert.That(l.Ancestors.Single(a => a.TraceId == J).Frames.Select(f => f.StreamId), Is.EqualTo(new uint[] { 10002, 10003 }),
            "the 1→1 stage's frame carries the join's trace (§14.2.1)");
        Assert.That(l.Links, Is.EquivalentTo(new[] { new TraceEdge(K, J), new TraceEdge(K, C), new TraceEdge(J, A), new TraceEdge(J, B) }));
        Assert.That(l.Descendants, Is.Empty);
        Assert.That(l.Truncated, Is.False);
    }

    [Test]
    public void The_lineage_of_a_root_lists_what_was_made_from_it_11_3_11_4()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Pipeline(dir);

        TraceLineage l = store.Lineage(A);

        Assert.That(l.IsRoot, Is.True);
        Assert.That(l.Roots, Is.EqualTo(new[] { A }));
        Assert.That(l.Descendants.Select(d => (d.TraceId, d.Depth)), Is.EqualTo(new[] { (J, 1), (K, 2) }));
    }

    [Test]
    public void A_depth_limit_stops_the_walk_and_says_so()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Pipeline(dir);

        TraceLineage l = store.Lineage(K, maxDepth: 1);

        Assert.That(l.Ancestors.Select(a => a.TraceId), Is.EquivalentTo(new[] { J, C }));
        Assert.That(l.Truncated, Is.True);
        Assert.That(store.Lineage(K, maxDepth: 2).Truncated, Is.False);
    }

    [Test]
    public void A_cycle_in_stored_links_ends_the_walk_instead_of_looping()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Open(dir);
        store.TryRecordLinks(0x11, [0x22]);
        store.TryRecordLinks(0x22, [0x33]);
        store.TryRecordLinks(0x33, [0x11]);
        Flush(store);

        TraceLineage l = store.Lineage(0x11, maxDepth: 100);

        Assert.That(l.Ancestors.Select(a => a.TraceId), Is.EquivalentTo(new ulong[] { 0x22, 0x33 }));
        Assert.That(l.Descendants.Select(a => a.TraceId), Is.EquivalentTo(new ulong[] { 0x33, 0x22 }));
    }

    [Test]
    public void An_unknown_trace_has_an_empty_lineage()
    {
        using var dir = new TempDirectory();
        using TraceStore store = Pipeline(dir);

        TraceLineage l = store.Lineage(0x7777);

        Assert.That(l.Frames, Is.Empty);
        Assert.That(l.Ancestors, Is.Empty);
        Assert.That(l.Descendants, Is.Empty);
        Assert.That(l.IsRoot, Is.True);
    }

    [Test]
    public void A_read_only_store_answers_while_another_writes_WAL_14_1()
    {
        using var dir = new TempDirectory();
        using TraceStore writer = Pipeline(dir);
        using TraceStore reader = TraceStore.OpenReadOnly(writer.Path);

        writer.TryRecordLinks(0xB000, [K]);
        Flush(writer);

        Assert.That(reader.Lineage(A).Descendants.Select(d => d.TraceId), Is.EqualTo(new ulong[] { J, K, 0xB000 }));
    }
}
