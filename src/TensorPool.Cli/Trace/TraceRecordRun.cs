using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TensorPool.Agents;
using TensorPool.Cli.DataPath;
using TensorPool.TraceLink;
using TensorPool.TraceLink.Store;
using TensorPool.Transport;

namespace TensorPool.Cli.Trace;

/// <summary>
/// The loop of <c>tp trace record</c>: a <see cref="TraceRecorder"/> over tp:ipc into a <see cref="TraceStore"/> until
/// a signal, the end of a piped standard input or <c>--seconds</c>; write trouble and loss are reported on standard
/// error as they happen, and a summary at the end.
/// </summary>
internal sealed class TraceRecordRun(TraceRecordSettings settings, TextWriter output, TextWriter error)
{
    private static readonly TimeSpan ReportPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Runs; the store must already be open (its errors are the caller's to report).</summary>
    public int Run(TraceStore store)
    {
        using var stop = new StopSignal(StopSignal.StandardInputIsPipe());
        using var transport = new TpIpcTransport(new TpIpcOptions { BaseDir = settings.ShmDir, Namespace = settings.Namespace });
        using var recorder = new TraceRecorder(transport, store, new TraceRecorderOptions
        {
            Channel = settings.Channel,
            DescriptorStreamId = settings.DescriptorStreamId,
            ControlStreamId = settings.ControlStreamId,
            StreamIds = [.. settings.Streams],
            StageId = settings.StageId,
            MatchTimeout = settings.MatchTimeout,
        });
        string which = settings.Streams.Count == 0 ? "every stream" : "streams " + string.Join(", ", settings.Streams);
        error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tp trace record: recording {which} from {settings.Channel} streams {settings.DescriptorStreamId} and {settings.ControlStreamId} into {store.Path}"));
        error.Flush();

        long start = Stopwatch.GetTimestamp();
        long deadline = settings.Duration is { } d ? start + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        long nextReport = start + (long)(ReportPeriod.TotalSeconds * Stopwatch.Frequency);
        var idle = new BackoffIdleStrategy();
        var reported = new Reported();
        while (!stop.IsSet && Stopwatch.GetTimestamp() < deadline)
        {
            int work = recorder.Poll();
            if (Stopwatch.GetTimestamp() >= nextReport)
            {
                Report(recorder, reported);
                nextReport += (long)(ReportPeriod.TotalSeconds * Stopwatch.Frequency);
            }
            idle.Idle(work);
        }
        // What already arrived is recorded: the logs are read to their end (for a moment at most, if traffic goes on),
        // then the sets still waiting for their frame are given up.
        long drainUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (recorder.Poll() > 0 && Stopwatch.GetTimestamp() < drainUntil)
        {
        }
        recorder.ExpirePending();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        store.Dispose(); // commits what is queued (one last try if the database is still unwritable)
        Report(recorder, reported);
        long lost = recorder.LostMessages + store.Counters.Dropped;
        // As every command: JSON on standard output, the human summary on standard error.
        if (settings.Json)
        {
            output.WriteLine(Json(recorder, store, lost, seconds));
            output.Flush();
        }
        else
        {
            error.WriteLine(Text(recorder, store, lost, seconds));
            error.Flush();
        }
        return lost > 0 ? TpCommand.ExitFailure : TpCommand.ExitOk;
    }

    // Write trouble and new loss, once each time they change.
    private void Report(TraceRecorder recorder, Reported last)
    {
        TraceStoreCounters s = recorder.Store.Counters;
        string? problem = s.LastError;
        long lost = recorder.LostMessages;
        long dropped = s.Dropped;
        if (problem is not null && problem != last.Problem)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tp trace record: {problem}; retrying every flush, the pipeline is not affected ({s.WriteFailures} failed transactions, {dropped} records dropped so far)"));
        }
        else if (problem is null && last.Problem is not null)
        {
            error.WriteLine("tp trace record: writing again");
        }
        if (lost != last.Lost || dropped != last.Dropped)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tp trace record: lost so far: {lost} messages on the transport (lapped), {dropped} records in the store (queue full {s.DroppedQueueFull}, unwritten at close {s.DroppedAtClose})"));
        }
        error.Flush();
        last.Problem = problem;
        last.Lost = lost;
        last.Dropped = dropped;
    }

    private static string Text(TraceRecorder r, TraceStore store, long lost, double seconds)
    {
        TraceRecorderCounters c = r.Counters;
        TraceStoreCounters s = store.Counters;
        string rejected = string.Join(", ", Enum.GetValues<TraceLinkRejectReason>()
            .Where(reason => reason != TraceLinkRejectReason.None && c.Rejected(reason) > 0)
            .Select(reason => string.Create(CultureInfo.InvariantCulture, $"{c.Rejected(reason)} {Name(reason)}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"""
            tp trace record: {seconds:F1} s into {store.Path}
              frames: {c.Descriptors} descriptors, {c.FramesRecorded} traced recorded, {c.UntracedFrames} untraced, {c.FilteredFrames} of other streams
              link sets: {c.LinkSets} received, {c.LinkSetsRecorded} recorded ({c.LinksRecorded} links), {c.LinkSetsRejected} rejected{(rejected.Length > 0 ? " (" + rejected + ")" : "")}, {c.FilteredLinkSets} of other streams
              written: {s.FramesWritten} frames ({s.DuplicateFrames} repeated), {s.LinksWritten} links in {s.Batches} transactions (longest {s.MaxBatchMicros / 1000.0:F1} ms), {s.WriteFailures} failed
              lost: {lost} ({r.LostMessages} messages on the transport, {s.DroppedQueueFull} records on a full queue, {s.DroppedAtClose} unwritten at close)
            """);
    }

    private static string Json(TraceRecorder r, TraceStore store, long lost, double seconds) => TraceJson.Object(w =>
    {
        TraceRecorderCounters c = r.Counters;
        TraceStoreCounters s = store.Counters;
        w.WriteString("db", store.Path);
        w.WriteNumber("seconds", Math.Round(seconds, 3));
        w.WriteNumber("descriptors", c.Descriptors);
        w.WriteNumber("framesRecorded", c.FramesRecorded);
        w.WriteNumber("untracedFrames", c.UntracedFrames);
        w.WriteNumber("filteredFrames", c.FilteredFrames);
        w.WriteNumber("framesDropped", c.FramesDropped);
        w.WriteNumber("linkSets", c.LinkSets);
        w.WriteNumber("linkSetsRecorded", c.LinkSetsRecorded);
        w.WriteNumber("linksRecorded", c.LinksRecorded);
        w.WriteNumber("filteredLinkSets", c.FilteredLinkSets);
        w.WriteNumber("linkSetsDropped", c.LinkSetsDropped);
        w.WriteNumber("linkSetsRejected", c.LinkSetsRejected);
        w.WriteStartObject("rejected");
        foreach (TraceLinkRejectReason reason in Enum.GetValues<TraceLinkRejectReason>().Where(x => x != TraceLinkRejectReason.None))
        {
            w.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(reason.ToString()), c.Rejected(reason));
        }
        w.WriteEndObject();
        w.WriteNumber("malformedMessages", c.MalformedMessages);
        w.WriteStartObject("store");
        w.WriteNumber("framesWritten", s.FramesWritten);
        w.WriteNumber("duplicateFrames", s.DuplicateFrames);
        w.WriteNumber("linksWritten", s.LinksWritten);
        w.WriteNumber("batches", s.Batches);
        w.WriteNumber("maxBatchMs", s.MaxBatchMicros / 1000.0);
        w.WriteNumber("writeFailures", s.WriteFailures);
        w.WriteNumber("droppedQueueFull", s.DroppedQueueFull);
        w.WriteNumber("droppedAtClose", s.DroppedAtClose);
        if (s.LastError is { } last)
        {
            w.WriteString("lastError", last);
        }
        else
        {
            w.WriteNull("lastError");
        }
        w.WriteEndObject();
        w.WriteNumber("transportLost", r.LostMessages);
        w.WriteNumber("lost", lost);
    });

    private static string Name(TraceLinkRejectReason reason) => reason switch
    {
        TraceLinkRejectReason.NullTraceId => "null trace id",
        TraceLinkRejectReason.NoParents => "no parents",
        TraceLinkRejectReason.NullParent => "null parent",
        TraceLinkRejectReason.DuplicateParent => "duplicate parent",
        TraceLinkRejectReason.TooManyParents => "too many parents",
        TraceLinkRejectReason.FrameMismatch => "frame mismatch",
        TraceLinkRejectReason.Unmatched => "unmatched",
        _ => reason.ToString().ToLowerInvariant(),
    };

    private sealed class Reported
    {
        public string? Problem { get; set; }

        public long Lost { get; set; }

        public long Dropped { get; set; }
    }
}
