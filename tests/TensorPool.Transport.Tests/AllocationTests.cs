using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>The hot path allocates nothing once warm: offer, claim/commit, poll (struct and cached delegate), counters.</summary>
public class AllocationTests
{
    private struct Summing : IMessageHandler
    {
        public long Bytes;

        public void OnMessage(ReadOnlySpan<byte> message) => Bytes += message.Length;
    }

    private static long s_delegateBytes;

    private static void OnMessage(ReadOnlySpan<byte> message) => s_delegateBytes += message.Length;

    [Test]
    public void Offer_and_poll_allocate_nothing_per_message_in_steady_state()
    {
        using var f = new TransportFixture(capacity: 1 << 20);
        using TpIpcSubscription sub = f.Subscription();
        using TpIpcPublication pub = f.Publication();
        byte[] message = Payloads.Make(1, 64);
        var handler = new Summing();
        MessageHandler cached = OnMessage;

        void Round()
        {
            for (int i = 0; i < 16; i++)
            {
                pub.Offer(message);
            }
            sub.Poll(ref handler, 8);
            sub.Poll(cached, 8);
            if (pub.TryClaim(32, out Span<byte> claimed) > 0)
            {
                claimed.Fill(1);
                pub.Commit();
            }
            sub.Poll(ref handler, 8);
            _ = sub.Counters;
            _ = pub.Counters;
            _ = sub.Position;
        }

        for (int i = 0; i < 20_000; i++)
        {
            Round(); // warm: JIT tiers, first laps of the ring
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20_000; i++)
        {
            Round();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, "bytes allocated by 340 000 offers and polls");
        Assert.That(handler.Bytes + s_delegateBytes, Is.GreaterThan(0));
        Assert.That(sub.Counters.Received, Is.GreaterThan(500_000));
    }
}
