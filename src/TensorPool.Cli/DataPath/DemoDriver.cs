using TensorPool.Driver;
using TensorPool.Driver.Configuration;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// The driver of a <c>tp demo</c> run (driver spec §4): embedded in the demo process by default (a
/// <see cref="TensorPoolDriver"/> provisioning the demo's stream for its frame size), the external <c>tp driver</c> a
/// configuration file describes (<c>--config</c>: its control channel and stream, its namespace, the first stream it
/// defines), or none (<c>--no-driver</c>: the producer owns its regions).
/// </summary>
internal sealed class DemoDriver : IDisposable
{
    private readonly TensorPoolDriver? _embedded;

    private DemoDriver(string mode, DriverOptions? options, TensorPoolDriver? embedded)
    {
        Mode = mode;
        Options = options;
        _embedded = embedded;
    }

    /// <summary>"embedded", "external" or "none" (the JSON summary's <c>driver</c>).</summary>
    public string Mode { get; }

    public DriverOptions? Options { get; }

    /// <summary>An external driver's shared memory is its own: the demo removes nothing of it.</summary>
    public bool OwnsSharedMemory => Mode != "external";

    public static DemoDriver None() => new("none", null, null);

    /// <summary>Start a driver in this process for <paramref name="settings"/>' stream, pools sized for <paramref name="frame"/>.</summary>
    public static DemoDriver Embedded(RunSettings settings, FrameSpec frame)
    {
        uint stride = ProducerRun.Stride(frame.Bytes);
        var options = new DriverOptions
        {
            InstanceId = "tp-demo",
            ShmBaseDir = settings.ShmDir,
            IpcBaseDir = settings.ShmDir,
            Namespace = settings.Namespace,
            PermissionsMode = "600",
            Profiles = [new ProfileDefinition("demo", (uint)ProducerRun.DefaultSlots(stride), [new PayloadPoolDefinition(1, stride)])],
            Streams = [new StreamDefinition("demo", settings.StreamId, "demo")],
        };
        return new DemoDriver("embedded", options, TensorPoolDriver.Start(options));
    }

    /// <summary>The external driver <paramref name="path"/> describes; null and the reason when the file cannot be used.</summary>
    public static DemoDriver? External(string path, FrameSpec frame, out string error)
    {
        DriverOptions options;
        try
        {
            options = DriverOptions.FromToml(path);
            options.Validate();
        }
        catch (DriverConfigurationException e)
        {
            error = e.Message;
            return null;
        }
        if (options.Streams.Count == 0)
        {
            error = $"--config {path} defines no stream ([[streams]]) for the demo to use";
            return null;
        }
        StreamDefinition stream = options.Streams[0];
        ProfileDefinition? profile = options.Profiles.FirstOrDefault(p => p.Name == (stream.Profile ?? options.DefaultProfile));
        uint largest = profile?.PayloadPools.Max(p => p.StrideBytes) ?? 0;
        if (largest < frame.Bytes)
        {
            error = $"frames of {frame.Bytes} bytes do not fit stream {stream.StreamId} of --config {path} (largest pool stride {largest} bytes)";
            return null;
        }
        error = "";
        return new DemoDriver("external", options, null);
    }

    /// <summary>Where the demo's processes attach: the driver's channel, namespace, directories and (external) stream.</summary>
    public RunSettings Apply(RunSettings settings) => Options is not { } o
        ? settings
        : settings with
        {
            StreamId = Mode == "external" ? o.Streams[0].StreamId : settings.StreamId,
            Namespace = o.Namespace,
            ShmDir = o.IpcBaseDir, // the clients' tp:ipc logs live beside the driver's
            DriverChannel = o.ControlChannel,
            DriverStreamId = (int)o.ControlStreamId,
            DriverShmDir = o.ShmBaseDir,
        };

    /// <summary>Leases the embedded driver holds now (null for an external driver or none).</summary>
    public int? LeaseCount => _embedded?.Status.Leases.Count;

    public void Dispose() => _embedded?.Dispose();
}
