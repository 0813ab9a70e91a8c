using System.Diagnostics.Metrics;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Diagnostics;
using TensorPool.Driver;
using TensorPool.Driver.Configuration;
using TensorPool.DriverClient;
using TensorPool.Frames;
using TensorPool.Producers;
using TensorPool.Supervisor.Configuration;
using TensorPool.Supervisor.Tests.Protocol;
using TensorPool.Testing;
using TensorPool.Transport;

namespace TensorPool.Supervisor.Tests.Metrics;

/// <summary>
/// The live counters on the .NET meter "TensorPool", read the way dotnet-counters and OpenTelemetry read them (a
/// MeterListener that enables the meter's instruments by name and collects the observable ones): frames, bytes and
/// drops by cause of producers and consumers, a driver's leases, a supervisor's lag per consumer.
/// </summary>
public sealed class MeterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public void Producers_consumers_and_the_driver_report_frames_bytes_drops_by_cause_and_leases_on_the_TensorPool_meter()
    {
        using var dir = new TempDirectory();
        var options = new DriverOptions
        {
            InstanceId = "metered",
            ShmBaseDir = Path.Combine(dir.Path, "shm"),
            IpcBaseDir = Path.Combine(dir.Path, "ipc"),
            Namespace = "metrics",
            PermissionsMode = "600",
            AnnouncePeriodMs = 100,
            Profiles = [new ProfileDefinition("p", 16, [new PayloadPoolDefinition(1, 64)])],
            Streams = [new StreamDefinition("s", 10000)],
        };
        using TensorPoolDriver driver = TensorPoolDriver.Start(options);
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = options.IpcBaseDir, Namespace = options.Namespace });
        var clientOptions = new ClientOptions
        {
            Transport = transport,
            ShmBaseDir = options.ShmBaseDir,
            Namespace = options.Namespace,
            AnnouncePeriod = TimeSpan.FromMilliseconds(100),
            FreshnessWindow = TimeSpan.FromSeconds(10),
            Driver = new DriverClientOptions { AnnouncePeriod = TimeSpan.FromMilliseconds(100), DriverTimeout = TimeSpan.FromSeconds(10) },
        };
        using TensorPoolClient producing = TensorPoolClient.Connect(clientOptions);
        using TensorPoolClient consuming = TensorPoolClient.Connect(clientOptions);
        Producer producer = producing.AddProducer(new ProducerOptions { StreamId = 10000 });
        using Consumer consumer = consuming.AddConsumer(new ConsumerOptions { StreamId = 10000 });
        Assert.That(producer.TryClaim(65, out _), Is.False, "no pool holds 65 bytes: a no_pool drop");
        int received = 0;
        DateTime deadline = DateTime.UtcNow + Patience;
        while (received < 10)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"frames did not flow: consumer {consumer.State}");
            if (producer.TryClaim(48, out FrameClaim claim))
            {
                producer.Commit(ref claim);
            }
            consumer.Poll((in Frame _) => received++, 64);
            Thread.Sleep(2);
        }

        using var meter = new MeterReader();
        meter.Collect();
        var ofProducer = new Dictionary<string, object?> { [TensorPoolMetrics.StreamIdTag] = 10000L, [TensorPoolMetrics.ProducerIdTag] = (long)producer.ProducerId };
        var ofConsumer = new Dictionary<string, object?> { [TensorPoolMetrics.StreamIdTag] = 10000L, [TensorPoolMetrics.ConsumerIdTag] = (long)consumer.ConsumerId };
        long published = producer.Counters.FramesPublished;
        Assert.That(meter.Value(TensorPoolMetrics.ProducerFrames, ofProducer), Is.EqualTo(published));
        Assert.That(meter.Value(TensorPoolMetrics.ProducerBytes, ofProducer), Is.EqualTo(published * 48));
        Assert.That(meter.Value(TensorPoolMetrics.ProducerDrops, With(ofProducer, TensorPoolMetrics.CauseTag, "no_pool")), Is.EqualTo(1));
        Assert.That(meter.Value(TensorPoolMetrics.ProducerDrops, With(ofProducer, TensorPoolMetrics.CauseTag, "offer_failed")), Is.Zero);
        ConsumerCounters seen = consumer.Counters;
        Assert.That(meter.Value(TensorPoolMetrics.ConsumerFrames, ofConsumer), Is.EqualTo(seen.FramesAccepted).And.GreaterThanOrEqualTo(10));
        Assert.That(meter.Value(TensorPoolMetrics.ConsumerBytes, ofConsumer), Is.EqualTo(seen.FramesAccepted * 48));
        foreach (string cause in new[] { "gap", "late", "epoch", "unmapped", "invalid", "regressed", "resync" })
        {
            Assert.That(meter.Value(TensorPoolMetrics.ConsumerDrops, With(ofConsumer, TensorPoolMetrics.CauseTag, cause)), Is.Not.Null, cause);
        }
        Assert.That(meter.Value(TensorPoolMetrics.DriverLeases, new() { [TensorPoolMetrics.StreamIdTag] = 10000L, [TensorPoolMetrics.RoleTag] = "producer" }), Is.EqualTo(1));
        Assert.That(meter.Value(TensorPoolMetrics.DriverLeases, new() { [TensorPoolMetrics.StreamIdTag] = 10000L, [TensorPoolMetrics.RoleTag] = "consumer" }), Is.EqualTo(1));
        Assert.That(meter.Value(TensorPoolMetrics.DriverLeaseLosses, new() { [TensorPoolMetrics.CauseTag] = "expired" }), Is.Zero);
        Assert.That(meter.Units[TensorPoolMetrics.ProducerBytes], Is.EqualTo("By"));

        producer.Dispose();
        meter.Collect();
        Assert.That(meter.Value(TensorPoolMetrics.ProducerFrames, ofProducer), Is.Null, "a disposed producer is no longer reported");
    }

    [Test]
    public void A_supervisor_reports_each_consumers_lag_from_QoS_as_a_gauge_10_4()
    {
        using var h = new SupervisorHarness();
        using TensorPoolSupervisor supervisor = TensorPoolSupervisor.Start(new SupervisorOptions { Transport = h.Transport });
        var ofConsumer = new Dictionary<string, object?> { [TensorPoolMetrics.StreamIdTag] = 10000L, [TensorPoolMetrics.ConsumerIdTag] = 42L };
        using var meter = new MeterReader();
        DateTime deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            h.QosProducer(10000, seq: 100); // the next sequence is 100: 99 is the newest published
            h.QosConsumer(10000, 42, lastSeq: 90);
            Thread.Sleep(20);
            meter.Collect();
            if (meter.Value(TensorPoolMetrics.ConsumerLag, ofConsumer) is not null)
            {
                break;
            }
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "no lag reported");
        }
        Assert.That(meter.Value(TensorPoolMetrics.ConsumerLag, ofConsumer), Is.EqualTo(9), "frames 91..99 published after the one it saw");
        Assert.That(meter.Instruments[TensorPoolMetrics.ConsumerLag], Is.EqualTo("ObservableGauge`1"));
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> tags, string key, object value) => new(tags) { [key] = value };

    /// <summary>A listener on the meter "TensorPool", as an exporter has one: the last value of each series per collection.</summary>
    private sealed class MeterReader : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, Dictionary<string, object?> Tags, long Value)> _values = [];

        public MeterReader()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TensorPoolMetrics.MeterName)
                {
                    Instruments[instrument.Name] = instrument.GetType().Name;
                    Units[instrument.Name] = instrument.Unit;
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var t = new Dictionary<string, object?>();
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    t[tag.Key] = tag.Value;
                }
                _values.Add((instrument.Name, t, value));
            });
            _listener.Start();
        }

        public Dictionary<string, string> Instruments { get; } = [];

        public Dictionary<string, string?> Units { get; } = [];

        public void Collect()
        {
            _values.Clear();
            _listener.RecordObservableInstruments();
        }

        /// <summary>The value of the series with exactly these tags, or null when none was reported.</summary>
        public long? Value(string instrument, Dictionary<string, object?> tags)
        {
            foreach ((string name, Dictionary<string, object?> t, long value) in _values)
            {
                if (name == instrument && t.Count == tags.Count && tags.All(kv => t.TryGetValue(kv.Key, out object? v) && Equals(v, kv.Value)))
                {
                    return value;
                }
            }
            return null;
        }

        public void Dispose() => _listener.Dispose();
    }
}
