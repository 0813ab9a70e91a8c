using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using TensorPool.Agents;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Producers;
using TensorPool.Stages;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// The loop of <c>tp relay</c>: a <see cref="FrameRelay"/> from one stream to another until <c>--frames</c> relayed,
/// <c>--seconds</c>, a signal or the end of a piped standard input; progress every second, a summary at the end.
/// </summary>
internal sealed class RelayRun(RunSettings settings, uint input, uint output, int maxBytes, int slots, TextWriter stdout, TextWriter stderr)
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long-running loop: no tier-0 code, no on-stack replacement stall mid-run (D242)
    public int Run()
    {
        using var stop = new StopSignal(StopSignal.StandardInputIsPipe());
        using TensorPoolClient client = TensorPoolClient.Connect(settings.CreateClientOptions());
        using Consumer consumer = client.AddConsumer(input);
        using Producer producer = client.AddProducer(new ProducerOptions
        {
            StreamId = output,
            HeaderNslots = slots,
            Pools = [new PayloadPoolOptions(1, ProducerRun.Stride(maxBytes))],
            Name = "tp relay",
            Summary = string.Create(CultureInfo.InvariantCulture, $"frames of stream {input}"),
            Trace = settings.Trace,
        });
        var relay = new FrameRelay(consumer, producer);
        Log(string.Create(CultureInfo.InvariantCulture,
            $"relaying stream {input} to stream {output} (epoch {producer.Epoch}, frames up to {maxBytes} bytes, {slots} slots{(producer.IsTraced ? ", traced" : "")})"));

        var idle = new BackoffIdleStrategy();
        long started = Stopwatch.GetTimestamp();
        long nextReport = started + Stopwatch.Frequency;
        long durationTicks = settings.Duration is { } d ? (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        while (!stop.IsSet && (settings.Frames is not { } limit || relay.Relayed < limit))
        {
            idle.Idle(relay.Poll());
            long now = Stopwatch.GetTimestamp();
            if (now - started >= durationTicks)
            {
                break;
            }
            if (now >= nextReport && !settings.Json)
            {
                nextReport = now + Stopwatch.Frequency;
                Log(Summary(relay));
            }
        }
        // What arrived before the stop is still passed on.
        while ((settings.Frames is not { } cap || relay.Relayed < cap) && relay.Poll() > 0)
        {
        }
        if (settings.Json)
        {
            stdout.WriteLine(Json(relay, Stopwatch.GetElapsedTime(started).TotalSeconds));
            stdout.Flush();
        }
        else
        {
            Log("done: " + Summary(relay));
        }
        return TpCommand.ExitOk;
    }

    private static string Summary(FrameRelay r)
    {
        ConsumerCounters c = r.Input.Counters;
        return string.Create(CultureInfo.InvariantCulture,
            $"relayed {r.Relayed}, torn {r.Torn}, dropped {r.Dropped} (no pool {r.Output.Counters.DropsNoPool}, no lease {r.Output.DropsNoLease}); input drops gap {c.DropsGap} late {c.DropsLate} other {c.DropsOther}");
    }

    private static string Json(FrameRelay r, double seconds) => JsonText.Object(w =>
    {
        ConsumerCounters c = r.Input.Counters;
        w.WriteNumber("relayed", r.Relayed);
        w.WriteNumber("torn", r.Torn);
        w.WriteNumber("dropped", r.Dropped);
        w.WriteNumber("input_accepted", c.FramesAccepted);
        w.WriteNumber("input_drops_gap", c.DropsGap);
        w.WriteNumber("input_drops_late", c.DropsLate);
        w.WriteNumber("input_drops_other", c.DropsOther);
        w.WriteNumber("output_epoch", r.Output.Epoch);
        w.WriteNumber("output_published", r.Output.Counters.FramesPublished);
        w.WriteNumber("descriptor_offer_failures", r.Output.Counters.DescriptorOfferFailures);
        if (r.Output.Tracing is { } tracing)
        {
            w.WriteNumber("trace_node_id", tracing.Generator.NodeId);
        }
        w.WriteNumber("seconds", Math.Round(seconds, 3));
    });

    /// <summary>Human lines go to standard error whatever the mode: standard output carries only results (D212).</summary>
    private void Log(string line)
    {
        stderr.WriteLine("tp relay: " + line);
        stderr.Flush();
    }
}
