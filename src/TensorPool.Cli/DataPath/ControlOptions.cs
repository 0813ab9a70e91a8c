using System.CommandLine;
using System.Globalization;
using TensorPool.Control.Internal;
using TensorPool.Control;
using TensorPool.Sbe.Wire;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// The consumer-control options of <c>tp consume</c> (mode, rate cap, per-consumer stream, progress; wire spec §10.1.2,
/// §5, §10.2.2) and the metadata/progress options of <c>tp produce</c> (§10.3, §10.2.2), with their checks.
/// </summary>
internal sealed class ControlOptions
{
    /// <summary>STREAM_ID_CONVENTIONS §3: per-consumer descriptor streams are taken from 31000-31999.</summary>
    public const uint PerConsumerDescriptorStreamBase = 31000;

    /// <summary>The most row blocks a frame may be written in.</summary>
    public const int MaxProgressRows = 1 << 20;

    public Option<string> Mode { get; } = new("--mode") { Description = "stream (every frame, default) or rate-limited (at most --max-rate frames/s).", DefaultValueFactory = _ => "stream" };

    public Option<uint?> MaxRate { get; } = new("--max-rate") { Description = "Frames per second at most in rate-limited mode (max_rate_hz)." };

    public Option<bool> PerConsumerStream { get; } = new("--per-consumer-stream") { Description = "Ask the producer for a descriptor stream of our own (31000-31999); the rate cap is applied there." };

    public Option<bool> Progress { get; } = new("--progress") { Description = "Opt in to FrameProgress and print it (with --json: counted in the result)." };

    public Option<string[]> Meta { get; } = new("--meta") { Description = "KEY=VALUE metadata attribute (repeatable), published as DataSourceMeta (text/plain)." };

    public Option<string?> Name { get; } = new("--name") { Description = "Data source name in DataSourceAnnounce (default 'tp produce')." };

    public Option<int?> ProgressRows { get; } = new("--progress-rows") { Description = "Write each frame in N row blocks and report FrameProgress after each." };

    public void AddConsumer(Command command)
    {
        command.Options.Add(Mode);
        command.Options.Add(MaxRate);
        command.Options.Add(PerConsumerStream);
        command.Options.Add(Progress);
    }

    public void AddProducer(Command command)
    {
        command.Options.Add(Meta);
        command.Options.Add(Name);
        command.Options.Add(ProgressRows);
    }

    /// <summary>The consumer's control settings, or null and a one-line error.</summary>
    public ConsumerControlSettings? ParseConsumer(ParseResult parse, out string error)
    {
        error = "";
        string mode = parse.GetValue(Mode) ?? "stream";
        uint? maxRate = parse.GetValue(MaxRate);
        Mode wireMode;
        switch (mode)
        {
            case "stream":
                wireMode = Sbe.Wire.Mode.Stream;
                break;
            case "rate-limited":
                wireMode = Sbe.Wire.Mode.RateLimited;
                break;
            default:
                error = $"--mode '{mode}' must be stream or rate-limited";
                return null;
        }
        if (maxRate is not null && wireMode != Sbe.Wire.Mode.RateLimited)
        {
            error = "--max-rate needs --mode rate-limited (§10.1.2: the cap applies in RATE_LIMITED mode only)";
            return null;
        }
        if (maxRate is 0 or > 1_000_000)
        {
            error = $"--max-rate {maxRate} must be from 1 to 1000000 frames per second";
            return null;
        }
        return new ConsumerControlSettings(wireMode, maxRate ?? 0, parse.GetValue(PerConsumerStream), parse.GetValue(Progress));
    }

    /// <summary>The producer's metadata and progress settings, or null and a one-line error.</summary>
    public ProducerControlSettings? ParseProducer(ParseResult parse, FrameSpec frame, out string error)
    {
        error = "";
        var attributes = new List<MetaAttribute>();
        foreach (string item in parse.GetValue(Meta) ?? [])
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? "" : item[..eq];
            if (eq <= 0 || !IsText(key) || !IsText(item))
            {
                error = $"--meta '{item}' must be KEY=VALUE with a non-empty ASCII key (ASCII value)";
                return null;
            }
            if (attributes.Any(a => a.Key == key))
            {
                error = $"--meta key '{key}' is given twice";
                return null;
            }
            attributes.Add(MetaAttribute.Text(key, item[(eq + 1)..]));
        }
        string name = parse.GetValue(Name) ?? "tp produce";
        if (!IsText(name))
        {
            error = $"--name '{name}' must be printable ASCII of at most {Producers.ProducerOptions.MaxTextLength} characters";
            return null;
        }
        int? rows = parse.GetValue(ProgressRows);
        if (rows is { } n && (n < 1 || n > Math.Min(frame.Dims[0], MaxProgressRows)))
        {
            error = string.Create(CultureInfo.InvariantCulture,
                $"--progress-rows {n} must be from 1 to the frame's row count ({Math.Min(frame.Dims[0], MaxProgressRows)})");
            return null;
        }
        return new ProducerControlSettings(attributes, name, rows ?? 0);
    }

    private static bool IsText(string s) =>
        s.Length <= Producers.ProducerOptions.MaxTextLength && s.All(c => c is >= ' ' and <= '~');
}

/// <summary>What <c>tp consume</c> asks the producer for (ConsumerHello, §10.1.2).</summary>
internal sealed record ConsumerControlSettings(Mode Mode, uint MaxRateHz, bool PerConsumerStream, bool Progress)
{
    public static readonly ConsumerControlSettings Default = new(Sbe.Wire.Mode.Stream, 0, false, false);
}

/// <summary>What <c>tp produce</c> publishes besides frames: DataSourceMeta attributes, its name, and row-block progress (0: none).</summary>
internal sealed record ProducerControlSettings(IReadOnlyList<MetaAttribute> Metadata, string Name, int ProgressRows)
{
    public static readonly ProducerControlSettings Default = new([], "tp produce", 0);
}
