using TensorPool.Consumers;
using TensorPool.Producers;

namespace TensorPool.Client.Tests.DataPath;

/// <summary>The asynchronous Add methods without a driver: nothing to wait for, so the task is complete on return.</summary>
public sealed class AsyncAddTests
{
    [Test]
    public void AddProducerAsync_without_a_driver_is_complete_on_return()
    {
        using var h = new Harness();
        Task<Producer> task = h.Client.AddProducerAsync(new ProducerOptions { StreamId = 10000, HeaderNslots = 8, Pools = [new PayloadPoolOptions(1, 64)] });
        Assert.That(task.IsCompletedSuccessfully, Is.True);
        using Producer producer = task.Result;
        Assert.That(h.Client.Conductor.Producers, Does.Contain(producer));
    }

    [Test]
    public void AddConsumerAsync_without_a_driver_is_complete_on_return()
    {
        using var h = new Harness();
        Task<Consumer> task = h.Client.AddConsumerAsync(10000);
        Assert.That(task.IsCompletedSuccessfully, Is.True);
        using Consumer consumer = task.Result;
        Assert.That(h.Client.Conductor.Consumers, Does.Contain(consumer));
    }

    [Test]
    public void Already_cancelled_token_creates_nothing()
    {
        using var h = new Harness();
        Task<Producer> producer = h.Client.AddProducerAsync(10000, new CancellationToken(canceled: true));
        Task<Consumer> consumer = h.Client.AddConsumerAsync(10000, new CancellationToken(canceled: true));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(producer.IsCanceled, Is.True);
            Assert.That(consumer.IsCanceled, Is.True);
            Assert.That(h.Client.Conductor.Producers, Is.Empty);
            Assert.That(h.Client.Conductor.Consumers, Is.Empty);
            Assert.That(Directory.EnumerateFiles(h.Dir.Path, "*.ring", SearchOption.AllDirectories), Is.Empty, "no regions were created");
        }
    }

    [Test]
    public void Bad_options_throw_at_the_call_not_in_the_task()
    {
        using var h = new Harness();
        Assert.Throws<ArgumentException>(() => h.Client.AddProducerAsync(new ProducerOptions { HeaderNslots = 3 }));
        Assert.Throws<ArgumentNullException>(() => h.Client.AddConsumerAsync(null!));
    }
}
