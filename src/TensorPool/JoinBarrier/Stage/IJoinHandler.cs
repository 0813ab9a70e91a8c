using TensorPool.Producers;

namespace TensorPool.JoinBarrier.Stage;

/// <summary>
/// Makes a <see cref="JoinStage"/>'s output from its aligned inputs. A struct handler passed by reference costs no
/// allocation. The input frames are zero-copy views into the producers' shared memory, valid only during the call;
/// the stage re-checks each one after <see cref="WriteOutput"/> and drops the output when any was overwritten meanwhile.
/// </summary>
public interface IJoinHandler
{
    /// <summary>The output frame's length in bytes for these inputs; negative to make no output for this tick.</summary>
    int OutputLength(in JoinFrames inputs);

    /// <summary>Fills <paramref name="output"/> (its payload, exactly <see cref="OutputLength"/> bytes, and its tensor description).</summary>
    void WriteOutput(in JoinFrames inputs, ref FrameClaim output);

    /// <summary>The output was published.</summary>
    void OnPublished(in JoinOutput output);
}
