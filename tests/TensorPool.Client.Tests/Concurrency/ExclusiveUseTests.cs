using TensorPool.Concurrency;

namespace TensorPool.Client.Tests.Concurrency;

public class ExclusiveUseTests
{
    /// <summary>Counts disposals and records whether one happened while a use was in progress.</summary>
    private sealed class Resource : IDisposable
    {
        private int _disposals;

        public volatile bool InUse;

        public int Disposals => Volatile.Read(ref _disposals);

        public bool DisposedDuringUse { get; private set; }

        public void Dispose()
        {
            if (InUse)
            {
                DisposedDuringUse = true;
            }
            Interlocked.Increment(ref _disposals);
        }
    }

    [Test]
    public void Close_with_no_use_in_progress_disposes_at_once_and_only_once()
    {
        var resource = new Resource();
        var use = new ExclusiveUse();

        Assert.That(use.Close(resource), Is.True);
        Assert.That(resource.Disposals, Is.EqualTo(1));
        Assert.That(use.IsClosed, Is.True);
        Assert.That(use.Close(resource), Is.False, "a second close reports it was already closed");
        Assert.That(resource.Disposals, Is.EqualTo(1));
    }

    [Test]
    public void Close_during_a_use_leaves_the_disposal_to_the_end_of_that_use()
    {
        var resource = new Resource();
        var use = new ExclusiveUse();

        Assert.That(use.TryEnter(resource), Is.True);
        Assert.That(use.Close(resource), Is.True); // e.g. a handler disposing its own subscription
        Assert.That(resource.Disposals, Is.Zero, "still in use: not disposed yet");
        use.Exit(resource);
        Assert.That(resource.Disposals, Is.EqualTo(1));
    }

    [Test]
    public void A_use_after_close_is_refused_and_disposes_nothing_more()
    {
        var resource = new Resource();
        var use = new ExclusiveUse();
        use.Close(resource);

        Assert.That(use.TryEnter(resource), Is.False);
        Assert.That(resource.Disposals, Is.EqualTo(1));
    }

    [Test]
    public void Uses_between_closes_leave_the_resource_alone()
    {
        var resource = new Resource();
        var use = new ExclusiveUse();
        for (int i = 0; i < 3; i++)
        {
            Assert.That(use.TryEnter(resource), Is.True);
            use.Exit(resource);
        }
        Assert.That(resource.Disposals, Is.Zero);
        Assert.That(use.IsClosed, Is.False);
    }

    [Test]
    public void Close_from_another_thread_racing_uses_disposes_once_and_never_during_a_use()
    {
        // The handshake's claim: whichever way a close interleaves with a use, the resource is disposed exactly once
        // and never while the using thread is between TryEnter and Exit.
        for (int round = 0; round < 200; round++)
        {
            var resource = new Resource();
            var use = new ExclusiveUse();
            using var started = new ManualResetEventSlim();
            var user = new Thread(() =>
            {
                started.Set();
                while (use.TryEnter(resource))
                {
                    resource.InUse = true;
                    Thread.SpinWait(20);
                    resource.InUse = false;
                    use.Exit(resource);
                }
            });
            user.Start();
            Assert.That(started.Wait(TimeSpan.FromMinutes(1)), Is.True);
            Thread.SpinWait(100 * (round % 10));
            use.Close(resource);
            Assert.That(user.Join(TimeSpan.FromMinutes(1)), Is.True, "the user saw the close and stopped");

            Assert.That(resource.Disposals, Is.EqualTo(1), $"round {round}");
            Assert.That(resource.DisposedDuringUse, Is.False, $"round {round}");
        }
    }
}
