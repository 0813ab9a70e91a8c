using TensorPool.Frames;

namespace TensorPool.JoinBarrier.Stage;

/// <summary>
/// The inputs of one output tick of a <see cref="JoinStage"/>, in the stage's input order: for each, whether it is
/// present and, when it is, its frame read in place (validated once; re-checked by the stage after the handler).
/// Valid only during the handler call.
/// </summary>
public readonly ref struct JoinFrames
{
    private readonly InputTrack[] _inputs;

    internal JoinFrames(InputTrack[] inputs, ulong outSeq, ulong? outTimeNs)
    {
        _inputs = inputs;
        OutSeq = outSeq;
        OutTimeNs = outTimeNs;
    }

    /// <summary>The number of inputs (present or not).</summary>
    public int Count => _inputs.Length;

    /// <summary>The output's sequence (the barrier's out_seq for sequence joins).</summary>
    public ulong OutSeq { get; }

    /// <summary>The out_time of a timestamp join; null for the other barriers.</summary>
    public ulong? OutTimeNs { get; }

    /// <summary>The stream id of input <paramref name="index"/>.</summary>
    public uint StreamId(int index) => _inputs[index].StreamId;

    /// <summary>Whether input <paramref name="index"/> has a frame in this output (false: absent, see <see cref="State"/>).</summary>
    public bool IsPresent(int index) => _inputs[index].Present;

    /// <summary>The barrier's verdict on input <paramref name="index"/> for this output.</summary>
    public JoinInputState State(int index) => _inputs[index].State;

    /// <summary>The frame of input <paramref name="index"/>, in place (zero copy).</summary>
    /// <exception cref="InvalidOperationException">The input is absent from this output.</exception>
    public Frame this[int index]
    {
        get
        {
            InputTrack input = _inputs[index];
            if (!input.Present)
            {
                throw new InvalidOperationException($"input {index} (stream {input.StreamId}) is absent from this output ({input.State})");
            }
            return input.Consumer.JoinFrameView(input.SelectedEpoch, input.SelectedDescriptorNs, input.SelectedTraceId);
        }
    }
}
