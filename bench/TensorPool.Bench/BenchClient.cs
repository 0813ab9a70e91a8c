using TensorPool.Client;
using TensorPool.Transport;

namespace TensorPool.Bench;

/// <summary>The client settings every benchmark process uses: the measuring thread runs the conductor itself.</summary>
public static class BenchClient
{
    /// <summary>The stream the benchmarks publish on.</summary>
    public const uint StreamId = 10000;

    /// <summary>
    /// A client whose conductor the measuring thread invokes (no second thread on the pinned CPU), with short announce
    /// and QoS periods so a new epoch is mapped quickly, and long liveness windows so a stalled CPU does not unmap.
    /// With <paramref name="aeronDir"/>, its control and descriptor streams go over <paramref name="channel"/>
    /// (an aeron: channel) through the media driver of that directory.
    /// </summary>
    public static TensorPoolClient Connect(string baseDir, string nameSpace, MessageHandler? qosHandler = null,
        string channel = ClientOptions.DefaultChannel, string? aeronDir = null) =>
        TensorPoolClient.Connect(new ClientOptions
        {
            Channel = channel,
            AeronDir = aeronDir,
            ShmBaseDir = baseDir,
            Namespace = nameSpace,
            ConductorMode = ConductorMode.Invoker,
            AnnouncePeriod = TimeSpan.FromMilliseconds(50),
            QosPeriod = TimeSpan.FromMilliseconds(50),
            FreshnessWindow = TimeSpan.FromSeconds(30),
            LivenessTimeout = TimeSpan.FromSeconds(30),
            QosHandler = qosHandler,
        });
}
