using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Runtime.CompilerServices;
using HdrHistogram;
using TensorPool.Agents;
using TensorPool.Cli.DataPath;
using TensorPool.Client;
using TensorPool.JoinBarrier;
using TensorPool.JoinBarrier.Stage;
using TensorPool.Producers;

namespace TensorPool.Cli.Join;

/// <summary>
/// <c>tp join</c>: runs a <see cref="JoinStage"/> that stacks its inputs (<see cref="StackedOutput"/>), prints rates
/// every second and, with <c>--json</c>, ends with one object (camelCase keys).
/// </summary>
internal sealed class JoinRun(JoinSettings settings, TextWriter output, TextWriter error)
{
    private readonly LongHistogram _latency = new(60_000_000_000L, 3);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long-running loop: no tier-0 code, no on-stack replacement stall mid-run (D242)
    public int Run()
    {
        using var stop = new StopSignal(StopSignal.StandardInputIsPipe());
        using TensorPoolClient client = TensorPoolClient.Connect(settings.Run.CreateClientOptions());
        using var stage = new JoinStage(client, settings.Stage);
        var handler = new Handler(_latency);
        var idle = new BackoffIdleStrategy();
        JoinStageOptions o = settings.Stage;
        Log(string.Create(CultureInfo.InvariantCulture,
            $"joining [{string.Join(", ", o.Inputs)}] -> {o.Output.StreamId} ({Name(o.Barrier)} barrier{(o.IsAuthority ? ", MergeMap authority" : ", map by request")}{(o.Output.Trace ? ", traced" : "")})"));
        long started = Stopwatch.GetTimestamp();
        long next = started + Stopwatch.Frequency;
        long durationTicks = settings.Run.Duration is { } d ? (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        ulong? epoch = null;
        long lastOutputs = 0;
        while (!stop.IsSet)
        {
            idle.Idle(stage.DoWork(ref handler));
            if (stage.Output is { } producer && producer.Epoch != epoch)
            {
                epoch = producer.Epoch;
                Log(string.Create(CultureInfo.InvariantCulture, $"output {o.Output.StreamId} epoch {epoch}"));
            }
            long now = Stopwatch.GetTimestamp();
            if (now - started >= durationTicks)
            {
                break;
            }
            if (now >= next)
            {
                next = now + Stopwatch.Frequency;
                long outputs = stage.Counters.Outputs;
                Log(Line(stage, outputs - lastOutputs));
                lastOutputs = outputs;
            }
        }
        double seconds = (double)(Stopwatch.GetTimestamp() - started) / Stopwatch.Frequency;
        if (settings.Run.Json)
        {
            output.WriteLine(JsonText.Object(w => Write(w, stage, seconds)));
        }
        Log("done: " + Line(stage, -1));
        output.Flush();
        return TpCommand.ExitOk;
    }

    private static string Name(JoinBarrierKind kind) => kind switch
    {
        JoinBarrierKind.Sequence => "sequence",
        JoinBarrierKind.Timestamp => "timestamp",
        _ => "latest",
    };

    private string Line(JoinStage stage, long perSecond)
    {
        JoinStageCounters c = stage.Counters;
        var inputs = new List<string>();
        for (int i = 0; i < stage.Inputs.Count; i++)
        {
            JoinInputCounters ic = stage.GetInputCounters(i);
            inputs.Add(string.Create(CultureInfo.InvariantCulture, $"{ic.StreamId}: ready {ic.Ready} absent {ic.Absent} stale {ic.Stale} rejected {ic.Rejected}"));
        }
        string rate = perSecond >= 0 ? string.Create(CultureInfo.InvariantCulture, $"{perSecond} outputs/s, ") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{rate}outputs {c.Outputs} dropped {c.DroppedOutputs}, {stage.LastStatus}, latency p50 {Percentile(50) / 1000.0:F1} µs p99 {Percentile(99) / 1000.0:F1} µs; {string.Join("; ", inputs)}");
    }

    private void Write(Utf8JsonWriter w, JoinStage stage, double seconds)
    {
        JoinStageCounters c = stage.Counters;
        w.WriteNumber("outputStreamId", settings.Stage.Output.StreamId);
        w.WriteString("barrier", Name(settings.Stage.Barrier));
        w.WriteBoolean("authority", settings.Stage.IsAuthority);
        if (stage.Output is { } producer)
        {
            w.WriteNumber("outputEpoch", producer.Epoch);
        }
        w.WriteNumber("outputs", c.Outputs);
        w.WriteNumber("outputsPerSecond", Math.Round(JsonText.Rate(c.Outputs, seconds), 1));
        w.WriteNumber("droppedOutputs", c.DroppedOutputs);
        w.WriteNumber("skippedSequences", c.SkippedSequences);
        w.WriteNumber("dropsNoPool", c.DropsNoPool);
        w.WriteNumber("outputEpochs", c.OutputEpochs);
        w.WriteNumber("checks", c.Checks);
        w.WriteNumber("blocked", c.Blocked);
        w.WriteNumber("notReady", c.NotReady);
        w.WriteNumber("rejected", c.Rejected);
        w.WriteNumber("mapsApplied", c.MapsApplied);
        w.WriteNumber("mapRequests", c.MapRequests);
        if (stage.Authority is { } authority)
        {
            w.WriteNumber("mapAnnounces", authority.Announces);
            w.WriteNumber("mapResponses", authority.Responses);
        }
        if (stage.Output?.Tracing is { } tracing)
        {
            w.WriteNumber("traceNodeId", tracing.Generator.NodeId);
            w.WriteNumber("traceLinksEnqueued", tracing.Links.Counters.Enqueued);
            w.WriteNumber("traceLinksDropped", tracing.Links.Counters.Dropped);
        }
        w.WriteString("lastStatus", stage.LastStatus.ToString());
        w.WriteStartArray("inputs");
        for (int i = 0; i < stage.Inputs.Count; i++)
        {
            JoinInputCounters ic = stage.GetInputCounters(i);
            w.WriteStartObject();
            w.WriteNumber("streamId", ic.StreamId);
            w.WriteNumber("observed", ic.Observations);
            w.WriteNumber("ready", ic.Ready);
            w.WriteNumber("absent", ic.Absent);
            w.WriteNumber("stale", ic.Stale);
            w.WriteNumber("rejected", ic.Rejected);
            w.WriteNumber("dropped", ic.Dropped);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("latencyNs");
        w.WriteNumber("p50", Percentile(50));
        w.WriteNumber("p99", Percentile(99));
        w.WriteEndObject();
        w.WriteNumber("seconds", Math.Round(seconds, 3));
    }

    private long Percentile(double p) => _latency.TotalCount == 0 ? 0 : _latency.GetValueAtPercentile(p);

    /// <summary>Human lines go to standard error whatever the mode: standard output carries only results (D212).</summary>
    private void Log(string line)
    {
        error.WriteLine("tp join: " + line);
        error.Flush();
    }

    /// <summary>Stacks the inputs and records each output's latency (newest input commit to output commit).</summary>
    private readonly struct Handler(LongHistogram latency) : IJoinHandler
    {
        public int OutputLength(in JoinFrames inputs) => StackedOutput.Length(in inputs);

        public void WriteOutput(in JoinFrames inputs, ref FrameClaim output) => StackedOutput.Write(in inputs, ref output);

        public void OnPublished(in JoinOutput output)
        {
            if (output.LatencyNs > 0)
            {
                latency.RecordValue(Math.Min(output.LatencyNs, 60_000_000_000L));
            }
        }
    }
}
