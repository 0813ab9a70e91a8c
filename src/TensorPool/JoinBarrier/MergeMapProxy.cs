using TensorPool.Transport;

namespace TensorPool.JoinBarrier;

/// <summary>Sends MergeMap messages on the control stream: announces (already encoded) and requests (§10.1, §10.3, §10.5).</summary>
internal sealed class MergeMapProxy
{
    private const int RequestLength = 32;
    private readonly IPublication _publication;
    private readonly byte[] _request = new byte[RequestLength];

    public MergeMapProxy(IPublication publication) => _publication = publication;

    public bool Announce(byte[] announce) => _publication.Offer(announce) >= 0;

    public bool Request(MergeMapKind kind, uint outStreamId, ulong epoch)
    {
        int length = kind == MergeMapKind.Sequence
            ? SequenceMergeMap.EncodeRequest(_request, outStreamId, epoch)
            : TimestampMergeMap.EncodeRequest(_request, outStreamId, epoch);
        return _publication.Offer(_request.AsSpan(0, length)) >= 0;
    }
}
