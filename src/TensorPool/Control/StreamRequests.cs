namespace TensorPool.Control;

/// <summary>The both-or-neither rule of §10.1.2/§10.1.3 in one place.</summary>
public static class StreamRequests
{
    public static StreamRequest Classify(int channelLength, uint streamId) => (channelLength > 0, streamId != 0) switch
    {
        (false, false) => StreamRequest.Absent,
        (true, true) => StreamRequest.Requested,
        _ => StreamRequest.HalfRequest,
    };
}
