using System.ComponentModel;

namespace TensorPool.Diagnostics.Internal;

/// <summary>Which instrument a <see cref="IMetricsSource"/> is asked for.</summary>
/// <remarks>Pubternal: public for the project's own assemblies only, not covered by compatibility (docs/CONTRIBUTING.md, "Pubternal").</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum MetricKind
{
    ProducerFrames,
    ProducerBytes,
    ProducerDrops,
    ConsumerFrames,
    ConsumerBytes,
    ConsumerDrops,
    ConsumerLag,
    DriverLeases,
    DriverLeaseLosses,
}
