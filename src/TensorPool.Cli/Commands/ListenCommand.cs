using System.CommandLine;
using TensorPool.Cli.Listen;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp listen --stream ID [--channel URI] [--json]</c>: every message on one stream, decoded whatever its schema;
/// unknown schemas and templates as hex with their header, bytes a schema rejects as invalid with the reason.
/// </summary>
internal static class ListenCommand
{
    private const string Help = """

        Joins the stream at its live tail (older messages are not replayed) and prints each message as it arrives,
        decoded by the schema its header names: wire 900, driver 901, join barrier 903, tracelink 904, discovery 910.
        A message of an unknown schema or template is printed as hex with its SBE header; bytes a schema rejects
        (truncated, a length beyond the message, bytes after it) as invalid with the reason. Loss is reported on
        standard error. Streams (STREAM_ID_CONVENTIONS): 1000 control (announces), 1100 frame descriptors,
        1200 QoS, 1300 metadata.

        Stops on Ctrl-C, SIGTERM, the end of a piped standard input, --count or --timeout, then prints a summary
        line on standard error.

        Examples:
          tp listen --stream 1000
          tp listen --stream 1200 --json | jq 'select(.message == "QosConsumer") | .fields'
          tp listen --stream 1100 --count 10 --timeout 5 --json > descriptors.jsonl
          tp listen --stream 1000 --channel tp:ipc?name=lab1

        Exit codes: 0 stopped (signal, end of input, --count reached, --timeout without --count); 1 --timeout before
        --count messages arrived, or the stream's log could not be opened; 2 bad arguments or a channel that is
        not a valid tp:ipc channel (one line on standard error).
        """;

    public static Command Build()
    {
        var stream = new Option<uint>("--stream") { Description = "Stream id to listen to (1000 control, 1100 descriptors, 1200 QoS, 1300 metadata).", Required = true };
        var channel = new Option<string>("--channel") { Description = "Channel URI (tp:ipc, tp:ipc?name=NAME, aeron:ipc, aeron:udp?endpoint=HOST:PORT).", DefaultValueFactory = _ => "tp:ipc" };
        var json = new Option<bool>("--json") { Description = "One JSON object per line: a decoded message in the form of `tp decode --json`, else {\"status\", \"reason\", \"reject\", \"length\", \"header\", \"hex\"}." };
        var count = new Option<long?>("--count") { Description = "Stop after this many messages." };
        var timeout = new Option<double?>("--timeout") { Description = "Stop after this many seconds." };
        var hexLimit = new Option<int>("--hex-limit") { Description = "Print at most this many bytes of a message not decoded.", DefaultValueFactory = _ => ListenRun.DefaultHexLimit };
        var location = new ShmLocationOptions();
        var command = new Command("listen", "Print every message on a stream, decoded whatever its schema.\n" + Help) { stream, channel, json, count, timeout, hexLimit };
        var aeronDir = new Option<string?>("--aeron-dir") { Description = "aeron: channels: the media driver's Aeron directory (default: $AERON_DIR, else Aeron's)." };
        command.Options.Add(aeronDir);
        location.AddTo(command);
        command.SetAction(parse =>
        {
            string ch = parse.GetValue(channel)!;
            long? n = parse.GetValue(count);
            double? seconds = parse.GetValue(timeout);
            int hex = parse.GetValue(hexLimit);
            string? error = null;
            if (!location.TryGet(parse, out string ns, out string dir, out string locationError))
            {
                error = locationError;
            }
            else if ((CliChecks.Channel(ch) ?? CliChecks.Seconds("--timeout", seconds)) is { } e)
            {
                error = e;
            }
            else if (n is < 1)
            {
                error = $"--count {n} must be at least 1";
            }
            else if (hex < 0)
            {
                error = $"--hex-limit {hex} must not be negative";
            }
            if (error is not null)
            {
                return CliErrors.BadInput(parse, "listen", "arguments", error);
            }
            var settings = new ListenSettings
            {
                Channel = ch,
                AeronDir = parse.GetValue(aeronDir),
                StreamId = parse.GetValue(stream),
                Namespace = ns,
                ShmDir = dir,
                Json = parse.GetValue(json),
                Count = n,
                Timeout = seconds is { } sec ? TimeSpan.FromSeconds(sec) : null,
                HexLimit = hex,
            };
            try
            {
                return new ListenRun(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error).Run();
            }
            catch (ArgumentException e)
            {
                // The transport refuses the channel or the location (an unsupported scheme, a bad name).
                return CliErrors.BadInput(parse, "listen", ch, e.Message);
            }
            catch (TensorPoolException e)
            {
                return CliErrors.Failure(parse, "listen", ch, e.Message);
            }
            catch (Exception e) when (e is TensorPool.Transport.Aeron.AeronException or DllNotFoundException)
            {
                // aeron: no media driver, a directory refused, libaeron not found.
                return CliErrors.Failure(parse, "listen", ch, e.Message.ReplaceLineEndings(" "));
            }
        });
        return command;
    }
}
