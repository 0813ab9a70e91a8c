using System.CommandLine;
using System.Globalization;
using TensorPool.Cli.Commands;
using TensorPool.Cli.DataPath;
using TensorPool.JoinBarrier;
using TensorPool.JoinBarrier.Stage;
using TensorPool.Producers;

namespace TensorPool.Cli.Join;

/// <summary>The options of <c>tp join</c> and their checks (bad input: one line, exit 2).</summary>
internal sealed class JoinCommandParser
{
    public Option<uint[]> Inputs { get; } = new("--input") { Description = "An input stream id (repeat for each input, in output row order).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };

    public Option<uint?> Output { get; } = new("--output") { Description = "The output stream id." };

    public Option<string> Barrier { get; } = new("--barrier") { Description = "sequence (default), timestamp or latest.", DefaultValueFactory = _ => "sequence" };

    public Option<string[]> Offsets { get; } = new("--offset") { Description = "S:N: input S's rule is OFFSET N (sequences; nanoseconds for --barrier timestamp). Default OFFSET 0.", Arity = ArgumentArity.ZeroOrMore };

    public Option<string[]> Windows { get; } = new("--window") { Description = "S:N: input S's rule is WINDOW N (frames; nanoseconds for --barrier timestamp).", Arity = ArgumentArity.ZeroOrMore };

    public Option<ulong?> LatenessNs { get; } = new("--lateness-ns") { Description = "The map's latenessNs (timestamp barrier, §8.2)." };

    public Option<ulong?> StaleTimeoutMs { get; } = new("--stale-timeout-ms") { Description = "The map's staleTimeoutNs in ms: a stale input is absent and its row zeros (§7.4)." };

    public Option<double?> Seconds { get; } = new("--seconds") { Description = "Stop after this many seconds." };

    public Option<bool> Json { get; } = new("--json") { Description = "End with one JSON object with the results on stdout." };

    public Option<bool> NoAuthority { get; } = new("--no-authority") { Description = "Another process is the output's MergeMap authority: request its map (§10.3) instead of publishing one." };

    public Option<int?> Slots { get; } = new("--slots") { Description = "Output header ring slots (a power of two; default 64)." };

    public ShmLocationOptions Location { get; } = new();

    public DriverArguments Driver { get; } = new();

    public TraceArguments Trace { get; } = new();

    public void AddTo(Command command)
    {
        command.Options.Add(Inputs);
        command.Options.Add(Output);
        command.Options.Add(Barrier);
        command.Options.Add(Offsets);
        command.Options.Add(Windows);
        command.Options.Add(LatenessNs);
        command.Options.Add(StaleTimeoutMs);
        command.Options.Add(Seconds);
        command.Options.Add(Json);
        command.Options.Add(NoAuthority);
        command.Options.Add(Slots);
        Location.AddTo(command);
        Driver.AddTo(command);
        Trace.AddTo(command);
    }

    /// <summary>The settings, or null and a one-line error.</summary>
    public JoinSettings? Parse(ParseResult parse, out string error)
    {
        uint[] inputs = parse.GetValue(Inputs) ?? [];
        uint? output = parse.GetValue(Output);
        double? seconds = parse.GetValue(Seconds);
        int? slots = parse.GetValue(Slots);
        if (inputs.Length == 0)
        {
            error = "--input: at least one input stream is required";
            return null;
        }
        if (inputs.Distinct().Count() != inputs.Length)
        {
            error = "--input: a stream is named twice";
            return null;
        }
        if (inputs.Length > JoinBarrierOptions.DefaultMaxInputs)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"--input: {inputs.Length} inputs, at most {JoinBarrierOptions.DefaultMaxInputs}");
            return null;
        }
        if (output is not { } outStream)
        {
            error = "--output: the output stream id is required";
            return null;
        }
        if (inputs.Contains(outStream))
        {
            error = string.Create(CultureInfo.InvariantCulture, $"--output {outStream} is also an --input");
            return null;
        }
        JoinBarrierKind? kind = parse.GetValue(Barrier) switch
        {
            "sequence" => JoinBarrierKind.Sequence,
            "timestamp" => JoinBarrierKind.Timestamp,
            "latest" => JoinBarrierKind.LatestValue,
            _ => null,
        };
        if (kind is not { } barrier)
        {
            error = $"--barrier '{parse.GetValue(Barrier)}' must be sequence, timestamp or latest";
            return null;
        }
        if (CliChecks.Seconds("--seconds", seconds) is { } secondsError)
        {
            error = secondsError;
            return null;
        }
        if (slots is { } n && (n < 2 || n > (1 << 20) || (n & (n - 1)) != 0))
        {
            error = $"--slots {n} must be a power of two from 2 to {1 << 20}";
            return null;
        }
        if (!Location.TryGet(parse, out string ns, out string dir, out error))
        {
            return null;
        }
        ulong? staleMs = parse.GetValue(StaleTimeoutMs);
        if (staleMs is 0 or > ulong.MaxValue / 1_000_000 - 1)
        {
            error = $"--stale-timeout-ms {staleMs} must be positive and below 2^64 ns";
            return null;
        }
        ulong? lateness = parse.GetValue(LatenessNs);
        if (lateness == ulong.MaxValue)
        {
            error = "--lateness-ns: 2^64-1 is the wire's null value";
            return null;
        }
        var run = new RunSettings
        {
            StreamId = outStream,
            Namespace = ns,
            ShmDir = dir,
            Duration = seconds is { } s ? TimeSpan.FromSeconds(s) : null,
            Json = parse.GetValue(Json),
        };
        if (Trace.Apply(parse, Driver.Apply(parse, run), out error) is not { } traced)
        {
            return null;
        }
        var options = new JoinStageOptions
        {
            Inputs = inputs,
            Output = new ProducerOptions { StreamId = outStream, HeaderNslots = slots ?? ProducerOptions.DefaultHeaderNslots, Name = "tp join", Trace = traced.Trace },
            Barrier = barrier,
            LatenessNs = lateness,
            StaleTimeoutNs = staleMs * 1_000_000,
            IsAuthority = !parse.GetValue(NoAuthority),
        };
        if (!Rules(parse, options, inputs, out error))
        {
            return null;
        }
        return new JoinSettings { Stage = options, Run = traced };
    }

    /// <summary>One rule per input: --offset or --window when given (not both), else OFFSET 0.</summary>
    private bool Rules(ParseResult parse, JoinStageOptions options, uint[] inputs, out string error)
    {
        var offsets = new Dictionary<uint, long>();
        var windows = new Dictionary<uint, long>();
        foreach (string text in parse.GetValue(Offsets) ?? [])
        {
            if (!JoinRuleText.TryParse(text, "--offset", signed: true, out uint s, out long v, out error))
            {
                return false;
            }
            offsets[s] = v;
        }
        foreach (string text in parse.GetValue(Windows) ?? [])
        {
            if (!JoinRuleText.TryParse(text, "--window", signed: false, out uint s, out long v, out error))
            {
                return false;
            }
            windows[s] = v;
        }
        foreach (uint s in offsets.Keys.Concat(windows.Keys))
        {
            if (!inputs.Contains(s))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"a rule names stream {s}, which is not an --input");
                return false;
            }
            if (offsets.ContainsKey(s) && windows.ContainsKey(s))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"stream {s} has both --offset and --window: a rule has exactly one parameter (§6.2, §6.3)");
                return false;
            }
        }
        if (options.Barrier == JoinBarrierKind.Timestamp)
        {
            options.TimestampRules = [.. inputs.Select(s => windows.TryGetValue(s, out long w)
                ? TimestampMergeRule.ForWindow(s, (ulong)w)
                : TimestampMergeRule.ForOffset(s, offsets.GetValueOrDefault(s)))];
            error = "";
            return true;
        }
        foreach (long v in offsets.Values)
        {
            if (v is < int.MinValue or > int.MaxValue)
            {
                error = $"--offset {v}: a sequence offset is a signed 32-bit integer (§6.2.1)";
                return false;
            }
        }
        foreach (long v in windows.Values)
        {
            if (v > uint.MaxValue - 1)
            {
                error = $"--window {v}: a sequence window is an unsigned 32-bit integer below the null value";
                return false;
            }
        }
        options.SequenceRules = [.. inputs.Select(s => windows.TryGetValue(s, out long w)
            ? SequenceMergeRule.ForWindow(s, (uint)w)
            : SequenceMergeRule.ForOffset(s, (int)offsets.GetValueOrDefault(s)))];
        error = "";
        return true;
    }
}
