using TensorPool.Consumers;
using TensorPool.Frames;
using TensorPool.Producers;

namespace TensorPool.Stages;

/// <summary>
/// A 1→1 stage: republishes every frame a consumer accepts on a producer's stream (payload, tensor description and
/// capture time), passing its trace id on unchanged (TraceLink §6.3, §14.2.1: no TraceLinkSet). An untraced input on a
/// traced output stream gets a new root id there (§8.1: a traced stream never carries 0).
/// </summary>
/// <remarks>
/// Call <see cref="Poll"/> from one thread: one copy per frame from the input's slot into the output's, no allocation,
/// no lock. A frame the producer overwrote while it was copied is not published (counted in <see cref="Torn"/>); one
/// the output cannot take (no pool large enough, no lease) is counted in <see cref="Dropped"/>. The relay owns neither
/// the consumer nor the producer.
/// </remarks>
public sealed class FrameRelay
{
    private readonly Consumer _input;
    private readonly Producer _output;
    private long _relayed;
    private long _torn;
    private long _dropped;

    public FrameRelay(Consumer input, Producer output)
    {
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _output = output ?? throw new ArgumentNullException(nameof(output));
    }

    public Consumer Input => _input;

    public Producer Output => _output;

    /// <summary>Frames republished.</summary>
    public long Relayed => Volatile.Read(ref _relayed);

    /// <summary>Input frames overwritten while they were copied: the output claim was aborted.</summary>
    public long Torn => Volatile.Read(ref _torn);

    /// <summary>Input frames the output could not take (no pool holds them, or the driver lease is lost).</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Relays up to <paramref name="limit"/> frames; returns the input's work count (for an idle strategy).</summary>
    public int Poll(int limit = 64)
    {
        var handler = new Handler(this);
        return _input.Poll(ref handler, limit);
    }

    private void Relay(in Frame frame)
    {
        if (!_output.TryClaim((int)frame.ValuesLenBytes, out FrameClaim claim))
        {
            _dropped++;
            return;
        }
        if (frame.CopyPayloadTo(claim.Payload) != FrameCopyResult.Copied)
        {
            _output.Abort(ref claim);
            _torn++;
            return;
        }
        claim.SetTensor(frame.Dtype, frame.Dims, frame.DeclaredStrides, frame.MajorOrder);
        claim.TimestampNs = frame.TimestampNs;
        claim.TraceId = frame.TraceId; // §6.3: 1→1 reuses the upstream trace id
        _output.Commit(ref claim);
        Volatile.Write(ref _relayed, _relayed + 1);
    }

    private readonly struct Handler(FrameRelay relay) : IFrameHandler
    {
        public void OnFrame(in Frame frame) => relay.Relay(frame);
    }
}
