using System.ComponentModel;
using System.Diagnostics.Metrics;
using TensorPool.Client;

namespace TensorPool.Diagnostics.Internal;

/// <summary>
/// The meter <see cref="TensorPoolMetrics.MeterName"/> and its observable instruments, and the sources they read.
/// Sources come and go with clients, drivers and supervisors (a copy-on-write list: never touched by a data path);
/// a collection walks them and allocates its measurements, on the collecting thread.
/// </summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MetricsRegistry
{
    private static readonly SnapshotList<IMetricsSource> Sources = new();

    private static readonly Meter Meter = CreateMeter();

    /// <summary>Count <paramref name="source"/> in every collection until the returned handle is disposed.</summary>
    public static IDisposable Register(IMetricsSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _ = Meter; // the meter exists as soon as anything can be measured
        Sources.Add(source);
        return new Registration(source);
    }

    /// <summary>A tag pair (boxed once per measurement, on the collecting thread).</summary>
    public static KeyValuePair<string, object?> Tag(string name, object value) => new(name, value);

    private static Meter CreateMeter()
    {
        var meter = new Meter(TensorPoolMetrics.MeterName, typeof(MetricsRegistry).Assembly.GetName().Version?.ToString());
        meter.CreateObservableCounter<long>(TensorPoolMetrics.ProducerFrames, () => Collect(MetricKind.ProducerFrames), "{frame}", "Frames producers committed");
        meter.CreateObservableCounter<long>(TensorPoolMetrics.ProducerBytes, () => Collect(MetricKind.ProducerBytes), "By", "Payload bytes producers committed");
        meter.CreateObservableCounter<long>(TensorPoolMetrics.ProducerDrops, () => Collect(MetricKind.ProducerDrops), "{frame}", "Frames producers dropped, by cause");
        meter.CreateObservableCounter<long>(TensorPoolMetrics.ConsumerFrames, () => Collect(MetricKind.ConsumerFrames), "{frame}", "Frames consumers accepted");
        meter.CreateObservableCounter<long>(TensorPoolMetrics.ConsumerBytes, () => Collect(MetricKind.ConsumerBytes), "By", "Payload bytes consumers accepted");
        meter.CreateObservableCounter<long>(TensorPoolMetrics.ConsumerDrops, () => Collect(MetricKind.ConsumerDrops), "{frame}", "Sequences consumers dropped, by cause");
        meter.CreateObservableGauge<long>(TensorPoolMetrics.ConsumerLag, () => Collect(MetricKind.ConsumerLag), "{frame}", "Frames published after the last one a consumer saw (QoS)");
        meter.CreateObservableUpDownCounter<long>(TensorPoolMetrics.DriverLeases, () => Collect(MetricKind.DriverLeases), "{lease}", "Leases a driver holds, by role");
        meter.CreateObservableCounter<long>(TensorPoolMetrics.DriverLeaseLosses, () => Collect(MetricKind.DriverLeaseLosses), "{lease}", "Leases a driver ended without a detach, by cause");
        return meter;
    }

    private static List<Measurement<long>> Collect(MetricKind kind)
    {
        var into = new List<Measurement<long>>();
        foreach (IMetricsSource source in Sources.Items)
        {
            source.Collect(kind, into);
        }
        return into;
    }

    private sealed class Registration(IMetricsSource source) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Sources.Remove(source);
            }
        }
    }
}
