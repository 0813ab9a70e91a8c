using TensorPool.Client;

namespace TensorPool.Cli.DataPath;

/// <summary>What <c>tp produce</c>, <c>tp consume</c> and <c>tp demo</c> share: where and how long to run.</summary>
internal sealed record RunSettings
{
    public uint StreamId { get; init; } = 10000;

    public string Namespace { get; init; } = ClientOptions.DefaultNamespace;

    public string ShmDir { get; init; } = ClientOptions.DefaultShmBaseDir;

    /// <summary>Stop after this many frames (null: no limit).</summary>
    public long? Frames { get; init; }

    /// <summary>Stop after this long (null: no limit).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Machine-readable progress lines on stdout and stop on a stdin line (a child of tp demo).</summary>
    public bool Report { get; init; }

    /// <summary>One final JSON object on stdout.</summary>
    public bool Json { get; init; }

    /// <summary>The control channel of the driver to attach through (UseDriver mode); null: the regions are owned.</summary>
    public string? DriverChannel { get; init; }

    public int DriverStreamId { get; init; } = DriverClient.DriverClientOptions.DefaultControlStreamId;

    /// <summary>The driver's shared-memory base dir when it is not <see cref="ShmDir"/>.</summary>
    public string? DriverShmDir { get; init; }

    /// <summary>How long a producer refused by the driver tries again (its previous lease may not have expired yet; D213).</summary>
    public TimeSpan RefusedProducerRetry { get; init; }

    /// <summary>Trace the published stream (TraceLink §8.1).</summary>
    public bool Trace { get; init; }

    /// <summary>The configured TraceLink node id (§6.2); null: the driver's.</summary>
    public uint? TraceNodeId { get; init; }

    public ClientOptions CreateClientOptions(Action<ClientOptions>? configure = null)
    {
        var options = new ClientOptions
        {
            ShmBaseDir = ShmDir,
            Namespace = Namespace,
            TraceNodeId = TraceNodeId,
        };
        if (DriverChannel is not null)
        {
            options.Driver = new DriverClient.DriverClientOptions
            {
                ControlChannel = DriverChannel,
                ControlStreamId = DriverStreamId,
                RefusedProducerRetry = RefusedProducerRetry,
            };
            options.AllowedBaseDirs = DriverShmDir is null ? [] : [DriverShmDir];
        }
        configure?.Invoke(options);
        return options;
    }
}
