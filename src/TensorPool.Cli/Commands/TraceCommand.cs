using System.CommandLine;
using System.Globalization;
using TensorPool.Cli.Trace;
using TensorPool.Client;
using TensorPool.TraceLink.Store;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp trace</c>: TraceLink provenance (TraceLink v1.0 §10, §11, §14.2). <c>record</c> follows FrameDescriptor and
/// TraceLinkSet traffic into an SQLite store; <c>lineage</c>, <c>frames</c> and <c>expand</c> query and maintain it.
/// </summary>
internal static class TraceCommand
{
    private const string DefaultDatabase = "trace.db";

    // Rows the recorder's writer may fall behind by: about 7 s of a 100,000 frames/s pipeline (1.5 rows a frame), so a
    // stall of the writer on a busy machine is absorbed rather than counted lost; ~75 MB (D156).
    private const int DefaultRecordQueue = 1 << 20;

    public static Command Build()
    {
        var command = new Command("trace", "TraceLink provenance: record trace ids and links into an SQLite store and ask where a frame came from.");
        command.Subcommands.Add(Record());
        command.Subcommands.Add(Lineage());
        command.Subcommands.Add(Frames());
        command.Subcommands.Add(Expand());
        return command;
    }

    private static Option<string> Database() => new("--db") { Description = "The SQLite trace database.", DefaultValueFactory = _ => DefaultDatabase };

    private static Option<bool> Json() => new("--json") { Description = "Print one JSON object (camelCase keys)." };

    private static Argument<string> TraceIdArgument() => new("TRACE_ID") { Description = "A trace id, decimal or 0x-hexadecimal." };

    private static Command Record()
    {
        const string help = """

            Subscribes to the descriptor stream (1100) and the control stream (1000) at their live tail and records
            every traced frame (trace_id != 0) into the frames table, and every TraceLinkSet that follows TraceLink §9.2
            and matches its output frame's FrameDescriptor into trace_links. Writes are queued and committed every
            --flush-ms in one transaction (WAL mode); producers and consumers never wait for the recorder: when it or
            the database falls behind, what is lost is counted and reported. TraceLinkSets that break §9.2 (no,
            zero or duplicate parents, a zero trace id, a stream/epoch/seq that is not their frame's) are rejected and
            counted. Stops on Ctrl-C, SIGTERM, the end of a piped standard input or --seconds, then prints a summary.

            Examples:
              tp trace record --db trace.db
              tp trace record --db trace.db --stream 10000 --stream 10001 --seconds 60 --json

            Exit codes: 0 recorded without loss; 1 records were lost (the transport lapped the recorder, the queue was
            full, or the database stayed unwritable), or the database could not be opened or locked; 2 bad arguments,
            or a file that is not a trace database (one line on standard error).
            """;
        var db = Database();
        var streams = new Option<uint[]>("--stream") { Description = "A data source (pool stream id) to record; repeat for more. Default: every stream.", AllowMultipleArgumentsPerToken = false };
        var channel = new Option<string>("--channel") { Description = "Channel of the descriptor and control streams.", DefaultValueFactory = _ => ClientOptions.DefaultChannel };
        var descriptorStream = new Option<int>("--descriptor-stream") { Description = "FrameDescriptor stream id.", DefaultValueFactory = _ => ClientOptions.DefaultDescriptorStreamId };
        var controlStream = new Option<int>("--control-stream") { Description = "Control stream id (where TraceLinkSets are published).", DefaultValueFactory = _ => ClientOptions.DefaultControlStreamId };
        var stage = new Option<int>("--stage-id") { Description = "stage_id written with every frame (0: not said)." };
        var flush = new Option<int>("--flush-ms") { Description = "Milliseconds between transactions (10-100).", DefaultValueFactory = _ => (int)TraceStoreOptions.DefaultFlushInterval.TotalMilliseconds };
        var match = new Option<double>("--match-timeout") { Description = "Seconds a TraceLinkSet waits for its frame's descriptor.", DefaultValueFactory = _ => TraceRecorderOptions.DefaultMatchTimeout.TotalSeconds };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds." };
        var queue = new Option<int>("--queue") { Description = "Rows the writer may fall behind by before rows are dropped (a power of two; about 72 bytes each).", DefaultValueFactory = _ => DefaultRecordQueue };
        var json = Json();
        var location = new ShmLocationOptions();
        var command = new Command("record", "Record traced frames and TraceLinkSets into an SQLite trace database.\n" + help)
        {
            db, streams, channel, descriptorStream, controlStream, stage, flush, match, seconds, queue, json,
        };
        location.AddTo(command);
        command.SetAction(parse =>
        {
            string ch = parse.GetValue(channel)!;
            int flushMs = parse.GetValue(flush);
            double matchSeconds = parse.GetValue(match);
            double? duration = parse.GetValue(seconds);
            int d = parse.GetValue(descriptorStream);
            int c = parse.GetValue(controlStream);
            string? problem = null;
            if (!location.TryGet(parse, out string ns, out string dir, out string locationError))
            {
                problem = locationError;
            }
            else if ((CliChecks.Channel(ch) ?? CliChecks.Seconds("--seconds", duration) ?? CliChecks.Seconds("--match-timeout", matchSeconds)) is { } e)
            {
                problem = e;
            }
            else if (flushMs is < 10 or > 100)
            {
                problem = $"--flush-ms {flushMs} must be from 10 to 100 (TraceLink §14: 10-100 ms transactions)";
            }
            else if (parse.GetValue(queue) is var q && (q < 1024 || q > (1 << 24) || (q & (q - 1)) != 0))
            {
                problem = $"--queue {q} must be a power of two from 1024 to {1 << 24}";
            }
            else if (d <= 0 || c <= 0)
            {
                problem = $"--descriptor-stream {d} and --control-stream {c} must be positive stream ids";
            }
            if (problem is not null)
            {
                return CliErrors.BadInput(parse, "trace record", "arguments", problem);
            }
            var settings = new TraceRecordSettings
            {
                Database = parse.GetValue(db)!,
                Channel = ch,
                DescriptorStreamId = d,
                ControlStreamId = c,
                Streams = parse.GetValue(streams) ?? [],
                Namespace = ns,
                ShmDir = dir,
                StageId = parse.GetValue(stage),
                FlushInterval = TimeSpan.FromMilliseconds(flushMs),
                MatchTimeout = TimeSpan.FromSeconds(matchSeconds),
                Duration = duration is { } s ? TimeSpan.FromSeconds(s) : null,
                Json = parse.GetValue(json),
            };
            TraceStore store;
            try
            {
                store = TraceStore.Open(new TraceStoreOptions { Path = settings.Database, FlushInterval = settings.FlushInterval, QueueCapacity = parse.GetValue(queue) });
            }
            catch (TraceStoreException e)
            {
                return StoreError(parse, "trace record", e);
            }
            using (store)
            {
                try
                {
                    return new TraceRecordRun(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error).Run(store);
                }
                catch (ArgumentException e)
                {
                    return CliErrors.BadInput(parse, "trace record", ch, e.Message); // the transport refuses the channel or location
                }
                catch (TensorPoolException e)
                {
                    return CliErrors.Failure(parse, "trace record", ch, e.Message);
                }
            }
        });
        return command;
    }

    private static Command Lineage()
    {
        const string help = """

            Walks trace_links with recursive queries (TraceLink §11.4): the traces the given one was derived from
            (ancestors, up to the roots) and the traces derived from it (descendants), each with its frames (stream,
            epoch, seq, time). Answers "which camera frames made this output?".

            Examples:
              tp trace lineage 7263849166397542400 --db trace.db
              tp trace lineage 0x64ce5f3a01407001 --depth 4 --json | jq '.roots'

            Exit codes: 0 answered (a trace nobody recorded has an empty lineage); 1 the database could not be read
            (locked); 2 bad arguments, or a missing file or one that is not a trace database.
            """;
        var trace = TraceIdArgument();
        var db = Database();
        var depth = new Option<int>("--depth") { Description = "How many links to follow each way.", DefaultValueFactory = _ => TraceStore.DefaultLineageDepth };
        var json = Json();
        var command = new Command("lineage", "Ancestors and descendants of a trace, with their frames.\n" + help) { trace, db, depth, json };
        command.SetAction(parse =>
        {
            if (!TraceIdText.TryParse(parse.GetValue(trace), out ulong id, out string error))
            {
                return CliErrors.BadInput(parse, "trace lineage", "arguments", error);
            }
            int n = parse.GetValue(depth);
            if (n < 1 || n > TraceStore.MaxLineageDepth)
            {
                return CliErrors.BadInput(parse, "trace lineage", "arguments", $"--depth {n} must be from 1 to {TraceStore.MaxLineageDepth}");
            }
            return Query(parse, "trace lineage", parse.GetValue(db)!, readOnly: true, store =>
            {
                TraceLineage lineage = store.Lineage(id, n);
                TextWriter o = parse.InvocationConfiguration.Output;
                if (parse.GetValue(json))
                {
                    o.WriteLine(TraceJson.Object(w => TraceJson.Lineage(w, lineage)));
                }
                else
                {
                    TraceText.Lineage(o, lineage);
                }
            });
        });
        return command;
    }

    private static Command Frames()
    {
        const string help = """

            Lists a trace's frames by time (TraceLink §11.1): every stream a 1->1 stage passed the trace on to.

            Examples:
              tp trace frames 7263849166397542400 --db trace.db
              tp trace frames 7263849166397542400 --json | jq '.frames[].streamId'

            Exit codes: 0 answered (possibly no frames); 1 the database could not be read (locked); 2 bad arguments,
            or a missing file or one that is not a trace database.
            """;
        var trace = TraceIdArgument();
        var db = Database();
        var json = Json();
        var command = new Command("frames", "The frames of a trace.\n" + help) { trace, db, json };
        command.SetAction(parse =>
        {
            if (!TraceIdText.TryParse(parse.GetValue(trace), out ulong id, out string error))
            {
                return CliErrors.BadInput(parse, "trace frames", "arguments", error);
            }
            return Query(parse, "trace frames", parse.GetValue(db)!, readOnly: true, store =>
            {
                IReadOnlyList<TraceFrameRow> frames = store.Frames(id);
                TextWriter o = parse.InvocationConfiguration.Output;
                if (parse.GetValue(json))
                {
                    o.WriteLine(TraceJson.Object(w =>
                    {
                        TraceJson.TraceParts(w, id);
                        TraceJson.Frames(w, "frames", frames);
                    }));
                }
                else
                {
                    o.WriteLine($"trace {TraceIdText.Describe(id)}: {frames.Count} frames");
                    TraceText.Frames(o, frames, "  ");
                }
            });
        });
        return command;
    }

    private static Command Expand()
    {
        const string help = """

            Materialises trace_links from trace_windows (TraceLink §12.1, §14.2.3, §14.2.4): each window's output
            trace gets as parents the traces of the input stream's frames inside the window's seq or time bounds,
            de-duplicated, --batch windows a transaction. Safe to run again (links already there are kept once).

            Examples:
              tp trace expand --db trace.db
              tp trace expand --db trace.db --batch 200 --json

            Exit codes: 0 expanded; 1 the database could not be written (locked); 2 bad arguments, or a missing file
            or one that is not a trace database.
            """;
        var db = Database();
        var batch = new Option<int>("--batch") { Description = "Windows per transaction.", DefaultValueFactory = _ => TraceStore.DefaultExpandBatch };
        var json = Json();
        var command = new Command("expand", "Turn recorded window bounds into trace links, offline.\n" + help) { db, batch, json };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(batch);
            if (n is < 1 or > 1_000_000)
            {
                return CliErrors.BadInput(parse, "trace expand", "arguments", $"--batch {n} must be from 1 to 1000000");
            }
            string path = parse.GetValue(db)!;
            if (!File.Exists(path))
            {
                return CliErrors.BadInput(parse, "trace expand", path, "no such database");
            }
            return Query(parse, "trace expand", path, readOnly: false, store =>
            {
                WindowExpansion result = store.ExpandWindows(n);
                TextWriter o = parse.InvocationConfiguration.Output;
                if (parse.GetValue(json))
                {
                    o.WriteLine(TraceJson.Object(w =>
                    {
                        w.WriteNumber("windows", result.Windows);
                        w.WriteNumber("batches", result.Batches);
                        w.WriteNumber("linksAdded", result.LinksAdded);
                    }));
                }
                else
                {
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"tp trace expand: {result.Windows} windows in {result.Batches} transactions, {result.LinksAdded} links added"));
                }
            });
        });
        return command;
    }

    private static int Query(ParseResult parse, string command, string path, bool readOnly, Action<TraceStore> query)
    {
        try
        {
            using TraceStore store = TraceStore.Open(new TraceStoreOptions { Path = path, ReadOnly = readOnly });
            query(store);
            return TpCommand.ExitOk;
        }
        catch (TraceStoreException e)
        {
            return StoreError(parse, command, e);
        }
    }

    // The store's message names the file and the cause; a bad file is bad input, a lock or an I/O error a failure.
    private static int StoreError(ParseResult parse, string command, TraceStoreException e)
    {
        string line = $"tp {command}: {e.Message}".ReplaceLineEndings(" ");
        parse.InvocationConfiguration.Error.WriteLine(line);
        return e.IsBadInput ? TpCommand.ExitBadInput : TpCommand.ExitFailure;
    }
}
