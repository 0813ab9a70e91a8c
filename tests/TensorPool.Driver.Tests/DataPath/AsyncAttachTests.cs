using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Driver.Tests.Protocol;
using TensorPool.DriverClient;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Sbe.Driver;
using TensorPool.Time;

namespace TensorPool.Driver.Tests.DataPath;

/// <summary>
/// <see cref="TensorPoolClient.AddProducerAsync(ProducerOptions, CancellationToken)"/> and
/// <see cref="TensorPoolClient.AddConsumerAsync(ConsumerOptions, CancellationToken)"/> in the driver model: the task
/// completes with the grant, and a cancellation before it leaves nothing half attached, here or at the driver.
/// </summary>
public sealed class AsyncAttachTests
{
    /// <summary>A client in invoker mode and an embedded driver in invoker mode on one manual clock: the test runs both.</summary>
    private sealed class Setup : IDisposable
    {
        public Setup(bool startDriver)
        {
            Harness = new DriverHarness();
            if (startDriver)
            {
                Harness.Start();
            }
            Client = TensorPoolClient.Connect(new ClientOptions
            {
                Transport = Harness.ClientTransport,
                ShmBaseDir = Harness.Options.ShmBaseDir,
                Namespace = Harness.Options.Namespace,
                ConductorMode = ConductorMode.Invoker,
                Clock = Harness.Clock,
                Driver = new DriverClientOptions { Clock = Harness.Clock, ResponseTimeout = TimeSpan.FromMilliseconds(500) },
            });
        }

        public DriverHarness Harness { get; }

        public TensorPoolClient Client { get; }

        public DriverConnection Driver => Client.Driver!;

        public int AttachRequests()
        {
            Harness.Collect();
            return Harness.OfType(901, ShmAttachRequestDecoder.TemplateId).Count;
        }

        public void Dispose()
        {
            Client.Dispose();
            Harness.Dispose();
        }
    }

    private static Task Add(TensorPoolClient client, bool producer, CancellationToken token) =>
        producer ? client.AddProducerAsync(DriverHarness.Stream, token) : client.AddConsumerAsync(DriverHarness.Stream, token);

    private static void AssertNothingLeft(Setup s)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(s.Driver.Conductor.LeaseCount, Is.Zero, "the driver client holds no lease");
            Assert.That(s.Client.Conductor.Producers, Is.Empty);
            Assert.That(s.Client.Conductor.Consumers, Is.Empty);
        }
    }

    [Test]
    public void Producer_task_completes_when_the_driver_grants_and_the_conductor_runs()
    {
        using var s = new Setup(startDriver: true);
        Task<Producer> task = s.Client.AddProducerAsync(DriverHarness.Stream);
        Assert.That(task.IsCompleted, Is.False, "nothing blocks: the request goes out at the conductor's next duty cycle");
        for (int i = 0; i < 20 && !task.IsCompleted; i++)
        {
            s.Client.DoWork();
            s.Harness.Pump();
            s.Client.DoWork();
            Thread.Sleep(1); // the continuation runs on the thread pool
        }
        task.Wait(TimeSpan.FromSeconds(60));
        using Producer producer = task.Result;
        Assert.That(producer.UsesDriver, Is.True);
        Assert.That(producer.Epoch, Is.EqualTo(s.Harness.Driver.Status.Streams.Single().Epoch));
    }

    [TestCase(true, TestName = "Cancelled_AddProducerAsync_with_a_silent_driver_leaves_nothing")]
    [TestCase(false, TestName = "Cancelled_AddConsumerAsync_with_a_silent_driver_leaves_nothing")]
    public void Cancelled_with_a_silent_driver_leaves_nothing(bool producer)
    {
        using var s = new Setup(startDriver: false);
        using var cts = new CancellationTokenSource();
        Task task = Add(s.Client, producer, cts.Token);
        s.Client.DoWork();
        Assert.That(s.AttachRequests(), Is.EqualTo(1));
        cts.Cancel();
        for (int i = 0; i < 40; i++)
        {
            s.Harness.Clock.Advance(TimeSpan.FromMilliseconds(250));
            s.Client.DoWork();
        }
        Assert.That(() => task.Wait(TimeSpan.FromSeconds(60)), Throws.InstanceOf<AggregateException>()
            .With.InnerException.InstanceOf<OperationCanceledException>());
        Assert.That(task.IsCanceled, Is.True);
        AssertNothingLeft(s);
        Assert.That(s.AttachRequests(), Is.EqualTo(1), "never sent again after the cancellation");
    }

    [TestCase(true, TestName = "Cancelled_AddProducerAsync_gives_a_late_grant_back_to_the_driver_4_9")]
    [TestCase(false, TestName = "Cancelled_AddConsumerAsync_gives_a_late_grant_back_to_the_driver_4_9")]
    public void Cancelled_gives_a_late_grant_back(bool producer)
    {
        using var s = new Setup(startDriver: true);
        using var cts = new CancellationTokenSource();
        Task task = Add(s.Client, producer, cts.Token);
        s.Client.DoWork(); // the request goes out
        cts.Cancel();
        s.Harness.Pump(); // the driver grants it after the cancellation
        Assert.That(s.Harness.Driver.Status.Leases, Has.Count.EqualTo(1), "the driver holds the lease now");

        s.Client.DoWork(); // reads the grant nobody wants
        s.Harness.Pump();

        Assert.That(() => task.Wait(TimeSpan.FromSeconds(60)), Throws.InstanceOf<AggregateException>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.IsCanceled, Is.True);
            Assert.That(s.Harness.Driver.Status.Leases, Is.Empty, "detached, not left to expire");
            Assert.That(s.Harness.Driver.Counters.Detaches, Is.EqualTo(1));
            Assert.That(s.Driver.AbandonedGrantsReleased, Is.EqualTo(1));
        }
        AssertNothingLeft(s);
    }

    [Test]
    public void Synchronous_AddProducer_runs_the_duty_cycle_while_it_waits_in_invoker_mode()
    {
        using var harness = new DriverHarness(o =>
        {
            o.Clock = MonotonicClock.Instance;
            o.ThreadingMode = DriverThreadingMode.DedicatedThread;
        });
        harness.Start();
        using var client = TensorPoolClient.Connect(new ClientOptions
        {
            Transport = harness.ClientTransport,
            ShmBaseDir = harness.Options.ShmBaseDir,
            Namespace = harness.Options.Namespace,
            ConductorMode = ConductorMode.Invoker,
            Driver = new DriverClientOptions(),
        });
        using Producer producer = client.AddProducer(DriverHarness.Stream); // nobody else runs the client's conductor
        using Consumer consumer = client.AddConsumer(DriverHarness.Stream);
        Assert.That(producer.UsesDriver, Is.True);
        Assert.That(harness.Driver.Status.Leases, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Awaited_producer_and_consumer_exchange_frames()
    {
        using var harness = new DriverHarness(o =>
        {
            o.Clock = MonotonicClock.Instance;
            o.ThreadingMode = DriverThreadingMode.DedicatedThread;
            o.AnnouncePeriodMs = 100;
        });
        harness.Start();
        using var client = TensorPoolClient.Connect(new ClientOptions
        {
            Transport = harness.ClientTransport,
            ShmBaseDir = harness.Options.ShmBaseDir,
            Namespace = harness.Options.Namespace,
            AnnouncePeriod = TimeSpan.FromMilliseconds(100),
            Driver = new DriverClientOptions { AnnouncePeriod = TimeSpan.FromMilliseconds(100), DriverTimeout = TimeSpan.FromSeconds(10) },
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using Consumer consumer = await client.AddConsumerAsync(DriverHarness.Stream, timeout.Token);
        using Producer producer = await client.AddProducerAsync(DriverHarness.Stream, timeout.Token);
        int received = 0;
        while (received == 0)
        {
            Assert.That(timeout.IsCancellationRequested, Is.False, "no frame arrived");
            producer.TryOffer([1, 2, 3]);
            // Poll returns descriptors consumed, not frames delivered (a descriptor read before the mapping is dropped).
            consumer.Poll((in Frame _) => received++, 16);
            await Task.Delay(5);
        }
        Assert.That(consumer.Epoch, Is.EqualTo(producer.Epoch));
    }
}
