using System.CommandLine;
using TensorPool.DriverClient;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// <c>--driver-channel</c>, <c>--driver-stream</c> and <c>--driver-shm-dir</c> of <c>tp produce</c> and
/// <c>tp consume</c>: attach through the driver listening there (the UseDriver mode, driver spec §4) instead of owning
/// the regions. <c>tp demo</c> passes them to its children.
/// </summary>
internal sealed class DriverArguments
{
    public Option<string?> Channel { get; } = new("--driver-channel") { Description = "Attach through the driver whose control channel this is (e.g. tp:ipc)." };

    public Option<int> StreamId { get; } = new("--driver-stream") { Description = "The driver's control stream id.", DefaultValueFactory = _ => DriverClientOptions.DefaultControlStreamId };

    public Option<string?> ShmDir { get; } = new("--driver-shm-dir") { Description = "The driver's shared-memory base dir (regions are accepted under it); default --shm-dir." };

    public void AddTo(Command command)
    {
        command.Options.Add(Channel);
        command.Options.Add(StreamId);
        command.Options.Add(ShmDir);
    }

    /// <summary>The settings with the driver's coordinates, unchanged without <c>--driver-channel</c>.</summary>
    public RunSettings Apply(ParseResult parse, RunSettings settings) => parse.GetValue(Channel) is { } channel
        ? settings with { DriverChannel = channel, DriverStreamId = parse.GetValue(StreamId), DriverShmDir = parse.GetValue(ShmDir) }
        : settings;

    /// <summary>The arguments that make a child attach through the driver of <paramref name="settings"/>.</summary>
    public static IEnumerable<string> For(RunSettings settings)
    {
        if (settings.DriverChannel is null)
        {
            yield break;
        }
        yield return "--driver-channel";
        yield return settings.DriverChannel;
        yield return "--driver-stream";
        yield return settings.DriverStreamId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (settings.DriverShmDir is not null)
        {
            yield return "--driver-shm-dir";
            yield return settings.DriverShmDir;
        }
    }
}
