using System.Globalization;
using System.Diagnostics;
using System.Text.Json;
using System.Runtime.CompilerServices;
using HdrHistogram;
using TensorPool.Agents;
using TensorPool.Client;
using TensorPool.Consumers;
using TensorPool.Control.Internal;
using TensorPool.Control;

namespace TensorPool.Cli.DataPath;

/// <summary>
/// The consuming half of <c>tp demo</c> (and <c>tp consume</c>): reads every frame of a stream in place, verifies its
/// content, measures latency and reports accepted frames and drops by cause.
/// </summary>
internal sealed class ConsumerRun
{
    private readonly RunSettings _settings;
    private readonly Func<IWaitSource, IIdleStrategy> _idle;
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly ConsumerControlSettings _control;
    private readonly ProgressTally? _progress;

    private readonly bool _verify;
    private long _started;
    private long _windowAccepted;
    private long _windowBytes;
    private long _windowTicks;

    public ConsumerRun(RunSettings settings, Func<IWaitSource, IIdleStrategy> idle, TextWriter output, TextWriter error, ConsumerControlSettings? control = null,
        bool verify = true)
    {
        _verify = verify;
        _settings = settings;
        _control = control ?? ConsumerControlSettings.Default;
        _progress = _control.Progress ? new ProgressTally(settings.Json || settings.Report ? null : error) : null;
        _idle = idle;
        _out = output;
        _err = error;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long-running loop: no tier-0 code, no on-stack replacement stall mid-run (D242)
    public int Run()
    {
        using var stop = new StopSignal(_settings.Report);
        using TensorPoolClient client = TensorPoolClient.Connect(_settings.CreateClientOptions());
        using Consumer consumer = client.AddConsumer(BuildConsumerOptions());
        IIdleStrategy idle = _idle(consumer.WaitSource);
        using var disposeIdle = idle as IDisposable;
        var stats = new ConsumerStats();
        var handler = new VerifyingHandler(stats, _verify);
        if (_settings.Report)
        {
            _out.WriteLine("ready " + consumer.ConsumerId);
            _out.Flush();
        }
        else
        {
            Log($"consuming stream {_settings.StreamId} (namespace {_settings.Namespace}, {_settings.ShmDir})");
        }
        long started = Stopwatch.GetTimestamp();
        _started = started;
        _windowTicks = started;
        long nextReport = started + Stopwatch.Frequency / 2;
        long durationTicks = _settings.Duration is { } d ? (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        long lossesBefore = consumer.DriverLease?.Losses ?? 0;
        long losses = lossesBefore;
        while (!stop.IsSet)
        {
            int work = consumer.Poll(ref handler, 64);
            idle.Idle(work);
            if (consumer.DriverLease is { } lease && lease.Losses != losses)
            {
                // Reported at once, and the run fails: nothing is mapped until the driver grants the stream again (D211).
                losses = lease.Losses;
                _err.WriteLine($"tp consume: the lease on stream {_settings.StreamId} was lost ({losses} so far): the driver stopped " +
                    "announcing or revoked it; nothing is read until it grants the stream again");
                _err.Flush();
            }
            long now = Stopwatch.GetTimestamp();
            if (now - started >= durationTicks)
            {
                break;
            }
            if (_settings.Frames is { } limit && Accounted(consumer.Counters) >= limit)
            {
                break;
            }
            if (now >= nextReport)
            {
                nextReport = now + (_settings.Report ? Stopwatch.Frequency / 2 : Stopwatch.Frequency);
                Report("progress", client, consumer, stats, -1);
            }
        }
        // Whatever arrived before the stop is still read (the producer has finished; nothing overwrites it now).
        while (consumer.Poll(ref handler, 64) > 0)
        {
        }
        Report("result", client, consumer, stats, stop.Published);
        if (consumer.Counters.DescriptorsReceived == 0 && !_settings.Report)
        {
            Log("no frame arrived" + (consumer.LastAnnounceRejection is { } r ? "; last announce rejected: " + r : ""));
        }
        if (losses > lossesBefore)
        {
            _err.WriteLine($"tp consume: failed: the lease was lost {losses - lossesBefore} time(s) during the run");
            return TpCommand.ExitFailure;
        }
        return stats.Corrupt == 0 ? TpCommand.ExitOk : TpCommand.ExitFailure;
    }

    /// <summary>The hello's requests (§10.1.2): mode, rate cap, a per-consumer descriptor stream, progress.</summary>
    private ConsumerOptions BuildConsumerOptions()
    {
        var options = new ConsumerOptions { StreamId = _settings.StreamId, Mode = _control.Mode, MaxRateHz = _control.MaxRateHz };
        if (_control.PerConsumerStream)
        {
            // STREAM_ID_CONVENTIONS §3 range; two consumers that pick the same id: the producer declines the second (§10.1.3).
            options.DescriptorChannel = ClientOptions.DefaultChannel;
            options.DescriptorStreamId = ControlOptions.PerConsumerDescriptorStreamBase + (uint)(Environment.ProcessId % 1000);
        }
        if (_progress is { } tally)
        {
            options.ProgressHandler = tally.OnProgress;
        }
        return options;
    }

    private static long Accounted(ConsumerCounters c) => c.FramesAccepted + c.DropsTotal;

    /// <summary>
    /// Sequences of [0, published) the consumer never received a descriptor for, when the producer said how many it
    /// published: before the first received and after the last. They are gaps (dropsGap).
    /// </summary>
    private static long Unseen(ConsumerCounters c, long published)
    {
        if (published < 0)
        {
            return 0;
        }
        if (c.FirstSeqSeen is not { } first || c.LastSeqSeen is not { } last)
        {
            return published;
        }
        return (long)first + Math.Max(0, published - 1 - (long)last);
    }

    private void Report(string kind, TensorPoolClient client, Consumer consumer, ConsumerStats stats, long published)
    {
        ConsumerCounters c = consumer.Counters;
        long now = Stopwatch.GetTimestamp();
        double seconds = (double)(now - _started) / Stopwatch.Frequency;
        long accepted = c.FramesAccepted;
        (double fps, double bps) = Rates(kind, accepted, stats, now);
        long gaps = c.DropsGap + c.DropsResync + Unseen(c, published);
        string json = JsonText.Object(w =>
        {
            Write(w, consumer, c, stats, gaps, fps, bps, seconds);
            _progress?.Write(w, consumer.ControlCounters);
            WriteSource(w, client.Metadata, consumer.StreamId);
        });
        if (_settings.Report)
        {
            _out.WriteLine(kind + " " + json);
        }
        else if (kind == "result" && _settings.Json)
        {
            _out.WriteLine(json);
        }
        else
        {
            Log(string.Create(CultureInfo.InvariantCulture, 
                $"{(kind == "result" ? "done: " : "")}accepted {accepted} ({fps:F0} frames/s, {bps / 1e6:F1} MB/s), " +
                $"latency p50 {Micros(stats, 50)} p99 {Micros(stats, 99)}, drops gap {gaps} late {c.DropsLate} other {c.DropsOther}, corrupt {stats.Corrupt}"));
        }
        _out.Flush();
    }

    private static void Write(Utf8JsonWriter w, Consumer consumer, ConsumerCounters c, ConsumerStats stats, long gaps, double fps, double bps, double seconds)
    {
        w.WriteNumber("consumerId", consumer.ConsumerId);
        if (consumer.DriverLease?.Grant is { } lease)
        {
            w.WriteNumber("leaseId", lease.LeaseId);
        }
        w.WriteNumber("accepted", c.FramesAccepted);
        w.WriteNumber("verified", stats.Verified);
        w.WriteNumber("corrupt", stats.Corrupt);
        w.WriteNumber("dropsGap", gaps);
        w.WriteNumber("dropsLate", c.DropsLate);
        w.WriteNumber("dropsOther", c.DropsOther);
        w.WriteNumber("resyncs", c.Resyncs);
        if (stats.Traced > 0)
        {
            w.WriteNumber("traced", stats.Traced); // TraceLink §8.1: frames whose descriptor carried a trace id
            w.WriteNumber("first_trace_id", stats.FirstTraceId);
            w.WriteNumber("last_trace_id", stats.LastTraceId);
        }
        if (c.FirstSeqSeen is { } first)
        {
            w.WriteNumber("firstSeqSeen", first);
        }
        if (c.LastSeqSeen is { } last)
        {
            w.WriteNumber("lastSeqSeen", last);
        }
        w.WriteStartObject("latencyNs");
        w.WriteNumber("p50", Percentile(stats, 50));
        w.WriteNumber("p99", Percentile(stats, 99));
        w.WriteNumber("p999", Percentile(stats, 99.9));
        w.WriteNumber("max", stats.Latency.TotalCount == 0 ? 0 : stats.Latency.GetMaxValue());
        w.WriteEndObject();
        w.WriteNumber("framesPerSecond", Math.Round(fps, 1));
        w.WriteNumber("bytesPerSecond", Math.Round(bps));
        w.WriteNumber("seconds", Math.Round(seconds, 3));
        w.WriteString("mode", consumer.Mode == Sbe.Wire.Mode.RateLimited ? "rate-limited" : "stream");
        w.WriteBoolean("perConsumerStream", consumer.OnPerConsumerStream);
    }

    /// <summary>The data source as announced (§10.3.1) and its current metadata attributes (§10.3.2), once known.</summary>
    private static void WriteSource(Utf8JsonWriter w, MetadataCache cache, uint streamId)
    {
        if (!cache.TryGetSource(streamId, out DataSourceInfo? source))
        {
            return;
        }
        w.WriteStartObject("source");
        w.WriteString("name", source.Name);
        w.WriteString("summary", source.Summary);
        w.WriteNumber("metaVersion", source.MetaVersion);
        if (cache.TryGetMetadata(streamId, source.MetaVersion, out DataSourceMetadata? meta))
        {
            w.WriteStartObject("meta");
            foreach (MetaAttribute a in meta.Attributes)
            {
                w.WriteString(a.Key, a.ValueText);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static long Percentile(ConsumerStats stats, double p) =>
        stats.Latency.TotalCount == 0 ? 0 : stats.Latency.GetValueAtPercentile(p);

    private static string Micros(ConsumerStats stats, double p) => string.Create(CultureInfo.InvariantCulture, $"{Percentile(stats, p) / 1000.0:F1} µs");

    /// <summary>
    /// Rates are measured (D211): a progress line gives the rates since the previous line (0 when nothing arrived, where
    /// it used to repeat the last rate), the result the rates from the first frame to the end of the run (a consumer
    /// waiting for its producer is not slow; one whose stream stopped is).
    /// </summary>
    private (double Fps, double Bps) Rates(string kind, long accepted, ConsumerStats stats, long now)
    {
        double fps, bps;
        if (kind == "result")
        {
            double flowing = stats.FirstTicks == 0 ? 0 : (double)(now - stats.FirstTicks) / Stopwatch.Frequency;
            fps = JsonText.Rate(accepted, flowing);
            bps = JsonText.Rate(stats.Bytes, flowing);
        }
        else
        {
            double window = (double)(now - _windowTicks) / Stopwatch.Frequency;
            fps = JsonText.Rate(accepted - _windowAccepted, window);
            bps = JsonText.Rate(stats.Bytes - _windowBytes, window);
        }
        _windowAccepted = accepted;
        _windowBytes = stats.Bytes;
        _windowTicks = now;
        return (fps, bps);
    }

    /// <summary>Human lines go to standard error whatever the mode: standard output carries only results (D212).</summary>
    private void Log(string line)
    {
        _err.WriteLine("tp consume: " + line);
        _err.Flush();
    }
}
