using TensorPool.Sbe;
using TensorPool.Sbe.Discovery;
using TensorPool.Transport;

namespace TensorPool.Discovery;

/// <summary>
/// Polls the client's response endpoint and hands each DiscoveryResponse to the pending request it answers (discovery
/// spec §5.2): other schemas and templates are left alone (the endpoint may be shared), versions other than 1 are
/// rejected (§10), unknown request ids dropped, bad bytes counted. Conductor thread only.
/// </summary>
internal sealed class DiscoveryAdapter(ISubscription subscription, DiscoveryClientCounters counters, Func<ulong, PendingDiscovery?> take) : IDisposable
{
    public int Poll()
    {
        var handler = new Handler(this);
        return subscription.Poll(ref handler, 16);
    }

    public void Dispose() => subscription.Dispose();

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        if (!SbeMessageHeader.TryRead(message, out SbeMessageHeader header) || header.SchemaId != DiscoveryResponseDecoder.SchemaId ||
            header.TemplateId != DiscoveryResponseDecoder.TemplateId)
        {
            return;
        }
        if (header.Version != DiscoveryResponseDecoder.SchemaVersion)
        {
            counters.UnsupportedVersionsCount++; // §10: rely on the header, reject what is not version 1
            return;
        }
        if (!DiscoveryResponseDecoder.TryWrap(message, out DiscoveryResponseDecoder response, out _) ||
            !response.TryGetStatus(out DiscoveryStatus status))
        {
            counters.MalformedCount++;
            return;
        }
        PendingDiscovery? pending = take(response.RequestId);
        if (pending is null)
        {
            counters.UnknownRequestIdsCount++; // §5.2: clients MUST drop responses with unknown request_id
            return;
        }
        DiscoveryResult result = DiscoveryResponseReader.Read(response, status);
        counters.ResponsesCount++;
        counters.InvalidResultsCount += result.InvalidResults;
        counters.DuplicateResultsCount += result.DuplicateResults;
        pending.Completion.TrySetResult(result);
    }

    private readonly struct Handler(DiscoveryAdapter adapter) : IMessageHandler
    {
        public void OnMessage(ReadOnlySpan<byte> message) => adapter.OnMessage(message);
    }
}
