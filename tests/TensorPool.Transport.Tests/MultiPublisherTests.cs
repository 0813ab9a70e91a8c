using System.Buffers.Binary;
using TensorPool.Transport;

namespace TensorPool.Transport.Tests;

/// <summary>Many publications on one stream in one process, each on its own thread, with a subscriber polling meanwhile.</summary>
public class MultiPublisherTests
{
    [Test]
    public void Every_message_of_every_publisher_arrives_once_in_that_publisher_s_order()
    {
        const int publishers = 4;
        const int perPublisher = 20_000;
        // 64-byte records, 80 000 of them: 5 MB fit the 8 MiB ring, so a subscriber that polls cannot be lapped.
        using var f = new TransportFixture(capacity: 8 << 20);
        using TpIpcSubscription sub = f.Subscription();
        using var start = new Barrier(publishers + 1);
        Thread[] threads = [.. Enumerable.Range(0, publishers).Select(p => new Thread(() =>
        {
            using TpIpcPublication pub = f.Publication();
            Span<byte> message = stackalloc byte[24];
            start.SignalAndWait();
            for (int seq = 0; seq < perPublisher; seq++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(message, p);
                BinaryPrimitives.WriteInt32LittleEndian(message[4..], seq);
                message[8..].Fill((byte)(p * 7 + seq));
                while (pub.Offer(message) < 0)
                {
                }
            }
        }) { IsBackground = true })];
        foreach (Thread t in threads)
        {
            t.Start();
        }
        start.SignalAndWait();
        var checker = new InterleavingChecker(publishers);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (checker.Received < publishers * perPublisher && DateTime.UtcNow < deadline)
        {
            if (sub.Poll(ref checker, 256) == 0)
            {
                Thread.Yield();
            }
        }
        foreach (Thread t in threads)
        {
            Assert.That(t.Join(TimeSpan.FromMinutes(1)), Is.True);
        }
        Assert.That(checker.Received, Is.EqualTo(publishers * perPublisher));
        Assert.That(checker.Errors, Is.Zero);
        Assert.That(checker.Next, Is.All.EqualTo(perPublisher));
        Assert.That(sub.Counters.LostMessages, Is.Zero);
        Assert.That(checker.Switches, Is.GreaterThan(0), "the publishers' messages interleaved");
    }

    private struct InterleavingChecker(int publishers) : IMessageHandler
    {
        private int _last = -1;

        public int[] Next { get; } = new int[publishers];

        public long Received { get; private set; }

        public long Errors { get; private set; }

        public long Switches { get; private set; }

        public void OnMessage(ReadOnlySpan<byte> message)
        {
            Received++;
            int p = BinaryPrimitives.ReadInt32LittleEndian(message);
            int seq = BinaryPrimitives.ReadInt32LittleEndian(message[4..]);
            if (message.Length != 24 || p < 0 || p >= Next.Length || seq != Next[p] ||
                message[8..].IndexOfAnyExcept((byte)(p * 7 + seq)) >= 0)
            {
                Errors++;
                return;
            }
            Next[p]++;
            Switches += _last != p && _last >= 0 ? 1 : 0;
            _last = p;
        }
    }
}
