using System.Text;
using TensorPool.Sbe.Discovery;
using TensorPool.Transport;

namespace TensorPool.Discovery;

/// <summary>
/// Encodes DiscoveryRequest (discovery spec §5.1) and offers it to the provider's request endpoint. Callers may be on
/// any thread: one lock around the shared buffer and publication (requests are not a hot path).
/// </summary>
internal sealed class DiscoveryProxy : IDisposable
{
    private readonly IPublication _publication;
    private readonly byte[] _responseChannel;
    private readonly uint _responseStreamId;
    private readonly uint _clientId;
    private readonly Lock _gate = new();
    private readonly byte[] _buffer;

    public DiscoveryProxy(IPublication publication, string responseChannel, int responseStreamId, uint clientId)
    {
        _publication = publication;
        _responseChannel = Encoding.ASCII.GetBytes(responseChannel);
        _responseStreamId = (uint)responseStreamId;
        _clientId = clientId;
        _buffer = new byte[DiscoveryRequestEncoder.MinEncodedLength + _responseChannel.Length + DiscoveryQuery.MaxNameLength +
            DiscoveryQuery.MaxTags * (4 + DiscoveryQuery.MaxTagLength)];
    }

    /// <summary>Offer the request; false when the transport refused it (back pressure, closed).</summary>
    public bool Send(ulong requestId, DiscoveryQuery query)
    {
        lock (_gate)
        {
            var r = DiscoveryRequestEncoder.WrapAndApplyHeader(_buffer);
            r.RequestId = requestId;
            r.ClientId = _clientId;
            r.ResponseStreamId = _responseStreamId;
            r.StreamId = query.StreamId;
            r.ProducerId = query.ProducerId;
            r.DataSourceId = query.DataSourceId;
            var tags = r.TagsCount(query.Tags.Count);
            foreach (string tag in query.Tags)
            {
                tags.Next();
                tags.PutTag(Encoding.Latin1.GetBytes(tag));
            }
            r.PutResponseChannel(_responseChannel);
            r.PutDataSourceName(query.DataSourceName is { } name ? Encoding.Latin1.GetBytes(name) : []);
            return _publication.Offer(_buffer.AsSpan(0, r.EncodedLength)) >= 0;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _publication.Dispose();
        }
    }
}
