using System.CommandLine;
using System.Globalization;
using TensorPool.Cli.Discovery;
using TensorPool.Discovery;

namespace TensorPool.Cli.Commands;

/// <summary>
/// <c>tp discover</c>: ask a discovery provider (the driver's, by default) which streams exist (discovery spec §5, §7):
/// a table, or one JSON object per stream with <c>--json</c>.
/// </summary>
internal static class DiscoverCommand
{
    private const string Help = """

        Sends one DiscoveryRequest with the filters given (all must match) to the provider on --channel/--stream-id
        (by default the driver's control endpoint, tp:ipc 1000, where tp driver answers), and prints the streams it
        knows: stream, producer, epoch, header slots, pools, data source name, tags and the driver to attach through.
        The answer is advisory: consumers attach through that driver, which validates everything again.

        Examples:
          tp discover
          tp discover --tag camera --tag front
          tp discover --name "front camera" --json | jq .driverControlChannel
          tp discover --channel tp:ipc?name=fleet --stream-id 7000 --timeout 5

        Exit codes: 0 at least one stream matched; 1 NOT_FOUND, nothing known, ERROR from the provider, or no answer
        within --timeout; 2 bad arguments (one line on standard error).
        """;

    public static Command Build()
    {
        var stream = new Option<uint?>("--stream") { Description = "Only this stream id." };
        var producer = new Option<uint?>("--producer") { Description = "Only streams of this producer id." };
        var sourceId = new Option<ulong?>("--source-id") { Description = "Only this data_source_id." };
        var name = new Option<string?>("--name") { Description = "Only this data source name (exact, case-sensitive)." };
        var tag = new Option<string[]>("--tag") { Description = "Only streams carrying this tag (repeatable; all must be present)." };
        var channel = new Option<string>("--channel") { Description = "The provider's request channel.", DefaultValueFactory = _ => Client.ClientOptions.DefaultChannel };
        var streamId = new Option<int>("--stream-id") { Description = "The provider's request stream id.", DefaultValueFactory = _ => Client.ClientOptions.DefaultControlStreamId };
        var responseStream = new Option<int>("--response-stream") { Description = "Where responses come back (STREAM_ID_CONVENTIONS: 7004).", DefaultValueFactory = _ => DiscoveryOptions.DefaultResponseStreamId };
        var clientId = new Option<uint>("--client-id") { Description = "The client_id of the request (0: random; providers may show streams by it)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "One JSON object per stream, one per line." };
        var location = new ShmLocationOptions();
        var command = new Command("discover", "Ask a discovery provider which streams exist (by id, producer, name, tags).\n" + Help)
        {
            stream, producer, sourceId, name, tag, channel, streamId, responseStream, clientId, timeout, json,
        };
        location.AddTo(command);
        command.SetAction(parse =>
        {
            if (!location.TryGet(parse, out string ns, out string dir, out string error))
            {
                return CliErrors.BadInput(parse, "discover", "arguments", error);
            }
            string ch = parse.GetValue(channel)!;
            double seconds = parse.GetValue(timeout);
            var query = new DiscoveryQuery
            {
                StreamId = parse.GetValue(stream),
                ProducerId = parse.GetValue(producer),
                DataSourceId = parse.GetValue(sourceId),
                DataSourceName = parse.GetValue(name),
                Tags = parse.GetValue(tag) ?? [],
            };
            string? problem = CliChecks.Channel(ch) ?? CliChecks.Seconds("--timeout", seconds) ?? Check(query) ??
                (parse.GetValue(streamId) <= 0 ? $"--stream-id {parse.GetValue(streamId)} must be a positive stream id" : null) ??
                (parse.GetValue(responseStream) <= 0 ? $"--response-stream {parse.GetValue(responseStream)} must be a positive stream id (§5.1: never 0)" : null);
            if (problem is not null)
            {
                return CliErrors.BadInput(parse, "discover", "arguments", problem);
            }
            var settings = new DiscoverSettings
            {
                Query = query,
                Namespace = ns,
                ShmDir = dir,
                Channel = ch,
                StreamId = parse.GetValue(streamId),
                ResponseStreamId = parse.GetValue(responseStream),
                ClientId = parse.GetValue(clientId),
                Timeout = TimeSpan.FromSeconds(seconds),
                Json = parse.GetValue(json),
            };
            try
            {
                return new DiscoverRun(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error).Run();
            }
            catch (ArgumentException e)
            {
                return CliErrors.BadInput(parse, "discover", ch, e.Message);
            }
            catch (TensorPoolException e)
            {
                return CliErrors.Failure(parse, "discover", ch, e.Message);
            }
        });
        return command;
    }

    /// <summary>The filters' rules as one-line errors naming the option.</summary>
    private static string? Check(DiscoveryQuery query)
    {
        if (query.StreamId == uint.MaxValue || query.ProducerId == uint.MaxValue || query.DataSourceId == ulong.MaxValue)
        {
            return "--stream, --producer and --source-id cannot be the all-ones value (it means \"absent\" on the wire, §5.0)";
        }
        if (query.DataSourceName is { } n && (n.Length is 0 or > DiscoveryQuery.MaxNameLength || !n.All(c => c <= '\u00ff')))
        {
            return string.Create(CultureInfo.InvariantCulture, $"--name must be 1 to {DiscoveryQuery.MaxNameLength} one-byte characters");
        }
        if (query.Tags.Count > DiscoveryQuery.MaxTags)
        {
            return $"at most {DiscoveryQuery.MaxTags} --tag";
        }
        foreach (string t in query.Tags)
        {
            if (t.Length is 0 or > DiscoveryQuery.MaxTagLength || !t.All(c => c <= '\u00ff'))
            {
                return string.Create(CultureInfo.InvariantCulture, $"--tag '{t}' must be 1 to {DiscoveryQuery.MaxTagLength} one-byte characters");
            }
        }
        return null;
    }
}
