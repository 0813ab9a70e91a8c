using System.Globalization;
using TensorPool.Client;
using TensorPool.Discovery;
using TensorPool.Sbe.Discovery;

namespace TensorPool.Cli.Discovery;

/// <summary>
/// The run of <c>tp discover</c>: one request through <see cref="TensorPoolClient.DiscoverAsync"/>, the answer as a
/// table or one JSON object per stream. Exit 0 when a stream matched; 1 on NOT_FOUND, an empty OK, ERROR or a timeout.
/// </summary>
internal sealed class DiscoverRun(DiscoverSettings settings, TextWriter output, TextWriter error)
{
    public int Run()
    {
        var options = new ClientOptions
        {
            ShmBaseDir = settings.ShmDir,
            Namespace = settings.Namespace,
            Discovery = new DiscoveryOptions
            {
                RequestChannel = settings.Channel,
                RequestStreamId = settings.StreamId,
                ResponseStreamId = settings.ResponseStreamId,
                Timeout = settings.Timeout,
                ClientId = settings.ClientId,
            },
        };
        using var client = TensorPoolClient.Connect(options);
        DiscoveryResult result;
        try
        {
            result = client.DiscoverAsync(settings.Query).GetAwaiter().GetResult();
        }
        catch (TimeoutException e)
        {
            error.WriteLine($"tp discover: timeout: {e.Message}".ReplaceLineEndings(" "));
            return TpCommand.ExitFailure;
        }
        if (result.InvalidResults > 0)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tp discover: {result.InvalidResults} invalid result(s) ignored (discovery §5.2: empty authority, stream id 0, pool_nslots mismatch, or results on {result.Status.ToSbeName()})"));
        }
        switch (result.Status)
        {
            case DiscoveryStatus.NotFound:
                error.WriteLine("tp discover: NOT_FOUND: no visible stream matches");
                return TpCommand.ExitFailure;
            case DiscoveryStatus.Error:
                error.WriteLine($"tp discover: ERROR: {Printable(result.ErrorMessage)}");
                return TpCommand.ExitFailure;
        }
        if (settings.Json)
        {
            foreach (DiscoveredStream s in result.Streams)
            {
                output.WriteLine(DiscoverJson.Write(s));
            }
        }
        else
        {
            DiscoverTable.Write(output, result.Streams);
        }
        if (result.Streams.Count == 0)
        {
            error.WriteLine("tp discover: OK, but the provider knows no stream (nothing is announced)");
            return TpCommand.ExitFailure;
        }
        return TpCommand.ExitOk;
    }

    /// <summary>A provider's text, with anything but printable ASCII shown as '?' (it is hostile input).</summary>
    public static string Printable(string text) => new([.. text.Select(c => c is >= ' ' and <= '~' ? c : '?')]);
}
