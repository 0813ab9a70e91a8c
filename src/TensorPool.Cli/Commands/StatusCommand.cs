using System.CommandLine;
using System.Globalization;
using TensorPool.Cli.Status;
using TensorPool.Client;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp status [--watch] [--json] [--channel URI]</c>: what is running, from the announces and QoS producers and
/// consumers send: streams, epoch, producer, consumers with mode, frame rates, drops by cause, last-seen ages.
/// </summary>
internal static class StatusCommand
{
    private const string Help = """

        Listens to the control (1000), QoS (1200) and metadata (1300) streams and builds one row per stream from
        ShmPoolAnnounce, QosProducer and DataSourceAnnounce (epoch, producer, current sequence, frames/s) and one row
        per consumer from QosConsumer and ConsumerHello (mode, last sequence seen, lag behind the producer, frames/s,
        drops by cause: gap and late, §15.4), with how long ago each was last heard of. Producers and consumers report
        once a second, so a rate needs two reports: the one-shot table waits --wait seconds (2.5) first.

        Examples:
          tp status
          tp status --watch
          tp status --json | jq '.streams[] | {streamId, framesPerSecond, consumers: [.consumers[].dropsLate]}'
          tp status --watch --json --interval 5 >> status.jsonl

        Exit codes: 0 shown (also when nothing is running); 1 the streams' logs could not be opened; 2 bad arguments
        or a channel that is not a valid tp:ipc channel (one line on standard error).
        """;

    public static Command Build()
    {
        var watch = new Option<bool>("--watch") { Description = "Refresh every --interval until Ctrl-C (a live table on a terminal; one table or JSON line per refresh otherwise)." };
        var json = new Option<bool>("--json") { Description = "One JSON object per table, on one line: {\"streams\": [...], \"messages\": {...}}." };
        var channel = new Option<string>("--channel") { Description = "Channel URI (tp:ipc, tp:ipc?name=NAME, aeron:ipc, aeron:udp?endpoint=HOST:PORT).", DefaultValueFactory = _ => ClientOptions.DefaultChannel };
        var wait = new Option<double>("--wait") { Description = "Seconds to listen before the one-shot table.", DefaultValueFactory = _ => 2.5 };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes with --watch.", DefaultValueFactory = _ => 1 };
        var seconds = new Option<double?>("--seconds") { Description = "With --watch: stop after this many seconds." };
        var control = new Option<uint>("--control-stream") { Description = "Control stream id (announces).", DefaultValueFactory = _ => ClientOptions.DefaultControlStreamId };
        var qos = new Option<uint>("--qos-stream") { Description = "QoS stream id.", DefaultValueFactory = _ => ClientOptions.DefaultQosStreamId };
        var metadata = new Option<uint>("--metadata-stream") { Description = "Metadata stream id (data source names).", DefaultValueFactory = _ => ClientOptions.DefaultMetadataStreamId };
        var supervisor = new Option<string?>("--supervisor") { Description = "Show the live model a supervisor writes to this status file (tp supervisor --status-file)." };
        var location = new ShmLocationOptions();
        var command = new Command("status", "Show the streams, producers and consumers that are running, from announces and QoS.\n" + Help)
        {
            watch, json, channel, wait, interval, seconds, control, qos, metadata, supervisor,
        };
        var aeronDir = new Option<string?>("--aeron-dir") { Description = "aeron: channels: the media driver's Aeron directory (default: $AERON_DIR, else Aeron's)." };
        command.Options.Add(aeronDir);
        location.AddTo(command);
        command.SetAction(parse =>
        {
            if (parse.GetValue(supervisor) is { } statusFile)
            {
                return Supervisor.SupervisorStatusView.Show(statusFile, parse.GetValue(json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            }
            string ch = parse.GetValue(channel)!;
            double w = parse.GetValue(wait);
            double i = parse.GetValue(interval);
            double? s = parse.GetValue(seconds);
            string? error = null;
            if (!location.TryGet(parse, out string ns, out string dir, out string locationError))
            {
                error = locationError;
            }
            else if (CliChecks.Channel(ch) is { } channelError)
            {
                error = channelError;
            }
            else if (!(w > 0) || w > 3600)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"--wait {w} must be positive (at most an hour)");
            }
            else if (!(i >= 0.05) || i > 3600)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"--interval {i} must be from 0.05 to 3600 seconds");
            }
            else if (CliChecks.Seconds("--seconds", s) is { } secondsError)
            {
                error = secondsError;
            }
            if (error is not null)
            {
                return CliErrors.BadInput(parse, "status", "arguments", error);
            }
            var settings = new StatusSettings
            {
                Channel = ch,
                AeronDir = parse.GetValue(aeronDir),
                ControlStreamId = parse.GetValue(control),
                QosStreamId = parse.GetValue(qos),
                MetadataStreamId = parse.GetValue(metadata),
                Namespace = ns,
                ShmDir = dir,
                Json = parse.GetValue(json),
                Watch = parse.GetValue(watch),
                Wait = TimeSpan.FromSeconds(w),
                Interval = TimeSpan.FromSeconds(i),
                Duration = s is { } d ? TimeSpan.FromSeconds(d) : null,
            };
            TextWriter output = parse.InvocationConfiguration.Output;
            bool interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            try
            {
                return new StatusRun(settings, output, parse.InvocationConfiguration.Error, interactive).Run();
            }
            catch (ArgumentException e)
            {
                return CliErrors.BadInput(parse, "status", ch, e.Message);
            }
            catch (TensorPoolException e)
            {
                return CliErrors.Failure(parse, "status", ch, e.Message);
            }
            catch (Exception e) when (e is TensorPool.Transport.Aeron.AeronException or DllNotFoundException)
            {
                // aeron: no media driver, a directory refused, libaeron not found.
                return CliErrors.Failure(parse, "status", ch, e.Message.ReplaceLineEndings(" "));
            }
        });
        return command;
    }
}
