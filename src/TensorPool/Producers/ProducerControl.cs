using TensorPool.Control;
using TensorPool.Transport;

namespace TensorPool.Producers;

/// <summary>What a producer needs for consumer control, progress and metadata: its own publications (one thread each).</summary>
internal sealed class ProducerControl(ITransport transport, IPublication progressOut, IPublication metadataOut, RegistrySettings settings)
{
    public ITransport Transport { get; } = transport;

    /// <summary>The shared control stream, for FrameProgress from the producer's thread.</summary>
    public IPublication ProgressOut { get; } = progressOut;

    /// <summary>The metadata stream, for meta blobs from the producer's thread.</summary>
    public IPublication MetadataOut { get; } = metadataOut;

    public RegistrySettings Settings { get; } = settings;
}
