using System.CommandLine;
using System.Globalization;
using TensorPool.Cli.Commands;
using TensorPool.Client;

namespace TensorPool.Cli.DataPath;

/// <summary>The options <c>tp produce</c>, <c>tp consume</c> and <c>tp demo</c> share, and their checks.</summary>
internal sealed class DataPathOptions
{
    public Option<uint> Stream { get; } = new("--stream") { Description = "Pool stream id (STREAM_ID_CONVENTIONS: 10000).", DefaultValueFactory = _ => 10000 };

    public Option<long?> Frames { get; } = new("--frames") { Description = "Stop after this many frames." };

    public Option<double?> Seconds { get; } = new("--seconds") { Description = "Stop after this many seconds." };

    public ShmLocationOptions Location { get; } = new();

    public Option<string> ShmDir => Location.ShmDir;

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object with the results on stdout." };

    public Option<bool> Report { get; } = new("--report") { Description = "Progress lines for a parent process (tp demo).", Hidden = true };

    public Option<double> Rate { get; } = new("--rate") { Description = "Frames per second; 0 = as fast as possible (default).", DefaultValueFactory = _ => 0 };

    public Option<string?> Shape { get; } = new("--shape") { Description = "Tensor shape, e.g. 480x640 (default)." };

    public Option<string?> Dtype { get; } = new("--dtype") { Description = "Element type, e.g. float32 (default), uint8, int16." };

    public Option<int?> Bytes { get; } = new("--bytes") { Description = "Frames of N raw bytes instead of a tensor shape." };

    public Option<int?> Slots { get; } = new("--slots") { Description = "Header ring slots (a power of two; default 64, fewer for very large frames)." };

    public void AddCommon(Command command)
    {
        command.Options.Add(Stream);
        command.Options.Add(Frames);
        command.Options.Add(Seconds);
        Location.AddTo(command);
        command.Options.Add(Json);
        command.Options.Add(Report);
    }

    public void AddFrameShape(Command command)
    {
        command.Options.Add(Rate);
        command.Options.Add(Shape);
        command.Options.Add(Dtype);
        command.Options.Add(Bytes);
    }

    /// <summary>The run settings, or null and a one-line error.</summary>
    public RunSettings? Settings(ParseResult parse, out string error)
    {
        error = "";
        long? frames = parse.GetValue(Frames);
        double? seconds = parse.GetValue(Seconds);
        string ns = parse.GetValue(Location.Namespace) ?? ClientOptions.DefaultNamespace; // tp demo picks its own
        string dir = parse.GetValue(Location.ShmDir) ?? ClientOptions.DefaultShmBaseDir;
        if (parse.GetResult(Stream) is not null && parse.GetValue(Stream) == 0) // tp relay has --input/--output, no --stream
        {
            // 0 asks a driver to allocate an id (driver spec §11); a frame stream needs a real one.
            error = "--stream 0 is not a pool stream id: give one, e.g. 10000 (STREAM_ID_CONVENTIONS)";
        }
        else if (frames is < 1)
        {
            error = $"--frames {frames} must be at least 1";
        }
        else if (CliChecks.Seconds("--seconds", seconds) is { } secondsError)
        {
            error = secondsError;
        }
        else
        {
            error = ShmLocationOptions.Check(ns, dir) ?? "";
        }
        if (error.Length > 0)
        {
            return null;
        }
        return new RunSettings
        {
            StreamId = parse.GetValue(Stream),
            Frames = frames,
            Duration = seconds is { } sec ? TimeSpan.FromSeconds(sec) : null,
            Namespace = ns,
            ShmDir = dir,
            Json = parse.GetValue(Json),
            Report = parse.GetValue(Report),
        };
    }

    /// <summary>The frame description and rate, or null and a one-line error.</summary>
    public FrameSpec? ParseFrame(ParseResult parse, out double rate, out int? slots, out string error)
    {
        rate = parse.GetValue(Rate);
        slots = parse.GetValue(Slots);
        if (!(rate >= 0) || double.IsInfinity(rate))
        {
            error = $"--rate {rate.ToString(CultureInfo.InvariantCulture)} must be 0 (as fast as possible) or a positive number of frames per second";
            return null;
        }
        if (slots is { } n && (n < 2 || n > (1 << 20) || (n & (n - 1)) != 0))
        {
            error = $"--slots {n} must be a power of two from 2 to {1 << 20}";
            return null;
        }
        return DataPath.FrameSpec.TryParse(parse.GetValue(Shape), parse.GetValue(Dtype), parse.GetValue(Bytes), out error);
    }
}
