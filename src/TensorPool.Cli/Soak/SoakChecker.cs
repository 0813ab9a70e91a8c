using TensorPool.Consumers;
using TensorPool.Diagnostics;
using TensorPool.Frames;
using TensorPool.Diagnostics.Internal;

namespace TensorPool.Cli.Soak;

/// <summary>
/// One soak consumer's check of every frame it is given: copied out, confirmed by the seqlock, then compared with the
/// pattern of its (epoch, seq). A frame whose bytes are not its own is torn (must never happen); a seq not above the
/// last of its epoch is disordered; a frame of an older epoch after a newer one is counted apart.
/// </summary>
internal sealed class SoakChecker : IFrameHandler
{
    private readonly byte[] _copy;
    private ulong _epoch;
    private ulong _lastSeq;
    private bool _any;

    public SoakChecker(int bytes) => _copy = new byte[bytes];

    public long Delivered;
    public long Torn;
    public long Disordered;
    public long OlderAfterNewer;
    public long CaughtByRecheck;

    /// <summary>The epoch and seq of the last frame delivered (for the end of the run).</summary>
    public (ulong Epoch, ulong Seq) Last => (Volatile.Read(ref _epoch), Volatile.Read(ref _lastSeq));

    public void OnFrame(in Frame frame)
    {
        if (_any && frame.Epoch < _epoch)
        {
            OlderAfterNewer++;
            return;
        }
        if (frame.ValuesLenBytes != (uint)_copy.Length || frame.CopyPayloadTo(_copy) != FrameCopyResult.Copied)
        {
            CaughtByRecheck++;
            return;
        }
        if (!FramePattern.Matches(_copy, frame.Epoch, frame.Seq))
        {
            Torn++;
        }
        if (_any && frame.Epoch == _epoch && frame.Seq <= _lastSeq)
        {
            Disordered++;
        }
        _any = true;
        Volatile.Write(ref _epoch, frame.Epoch);
        Volatile.Write(ref _lastSeq, frame.Seq);
        Volatile.Write(ref Delivered, Delivered + 1);
    }
}
